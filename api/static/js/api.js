/* Gọi API: JSON vào/ra, lỗi thành thông điệp tiếng Việt (mất mạng, hoặc mã ≠ 2xx kèm "detail"). */

export class ApiError extends Error {
  constructor(message, status, detail) {
    super(message);
    this.status = status;
    this.detail = detail || "";
  }
}

function detailOf(data, res) {
  let detail = data && data.detail;
  if (Array.isArray(detail)) detail = detail.map((d) => d.msg || String(d)).join("; ");
  if (typeof detail !== "string" || !detail) detail = res.statusText || "lỗi không rõ";
  return detail;
}

/** fetch(path) → dữ liệu JSON; options.headers được gộp với Accept: application/json. */
export async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = Object.assign({ "Accept": "application/json" }, opts.headers || {});
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError("Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại.", 0);
  }
  const body = await res.text();
  let data = null;
  try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
  if (!res.ok) {
    const detail = detailOf(data, res);
    throw new ApiError("Lỗi " + res.status + ": " + detail, res.status, detail);
  }
  if (data === null) throw new ApiError("Máy chủ trả về dữ liệu không đọc được.", res.status);
  return data;
}

export function postJson(path, body) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}
