/* "Sửa thông tin" của một văn bản (số, ngày, loại, cơ quan ban hành, trích yếu): chỉ hiện khi đã lưu khóa
 * quản trị, như nút "Xóa". Gửi PATCH /documents/{id}; lỗi của máy chủ (ngày sai, trùng văn bản khác…) hiện
 * nguyên văn ngay dưới biểu mẫu. */
import { h, showError } from "./dom.js";
import { api } from "./api.js";
import { storedKey, keyError } from "./key.js";

const FIELDS = [
  ["number", "Số, ký hiệu", "text"], ["date", "Ngày ban hành", "date"], ["doc_type", "Loại văn bản", "text"],
  ["issuer", "Cơ quan ban hành", "text"], ["title", "Trích yếu", "text"]
];

/** Vẽ nút "Sửa thông tin" vào `box` (hoặc không gì, khi chưa có khóa); `saved(doc)` sau khi sửa xong. */
export function renderEdit(box, doc, saved) {
  box.replaceChildren();
  if (!storedKey()) return;
  const open = h("button", { type: "button", className: "link-btn edit-btn", text: "Sửa thông tin" });
  open.addEventListener("click", () => { open.hidden = true; box.appendChild(editForm(doc, saved, open)); });
  box.appendChild(open);
}

function editForm(doc, saved, open) {
  const inputs = {};
  const error = h("div", { className: "error edit-error", role: "alert", hidden: true });
  const rows = FIELDS.map(([name, label, type]) => {
    const id = "edit-" + name;
    inputs[name] = h("input", { id: id, name: name, type: type, value: doc[name] || "" });
    return h("div", { className: "edit-row" }, [h("label", { for: id, text: label }), inputs[name]]);
  });
  const save = h("button", { type: "submit", className: "btn-primary edit-save", text: "Lưu" });
  const cancel = h("button", { type: "button", className: "btn-secondary edit-cancel", text: "Hủy" });
  const form = h("form", { className: "edit-form", "aria-label": "Sửa thông tin văn bản" },
    [...rows, h("div", { className: "edit-actions" }, [save, cancel]), error]);
  cancel.addEventListener("click", () => { form.remove(); open.hidden = false; open.focus(); });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const changes = {};
    FIELDS.forEach(([name]) => { if (inputs[name].value.trim() !== (doc[name] || "")) changes[name] = inputs[name].value; });
    if (!Object.keys(changes).length) { showError(error, "Chưa sửa trường nào."); return; }
    save.disabled = true;
    showError(error, "");
    try {
      const out = await api("/documents/" + encodeURIComponent(doc.id), { method: "PATCH",
        headers: { "Content-Type": "application/json", "X-API-Key": storedKey() }, body: JSON.stringify(changes) });
      saved(out);
    } catch (e) {
      save.disabled = false;
      showError(error, "Không sửa được. " + keyError(e));
    }
  });
  return form;
}
