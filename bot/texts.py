"""Every user-facing Vietnamese text of the bot, in one place."""
from __future__ import annotations

EXAMPLES = (
    "Chỉ tiêu đào tạo chủ tịch CĐCS là gì?",
    "Những kỹ năng nào cần bồi dưỡng cho cán bộ công đoàn?",
    "Cán bộ được luân chuyển phải công tác ít nhất bao lâu?",
)
COMMANDS = (
    ("start", "Lời chào và câu hỏi mẫu"),
    ("help", "Hướng dẫn sử dụng"),
    ("tim", "Tìm đoạn văn bản theo từ khóa"),
    ("vanban", "Danh sách văn bản; /vanban <số> xem mục lục"),
)

GREETING = (
    "👋 Xin chào{name}! Tôi là <b>Sổ tay</b> — trợ lý tra cứu văn bản Công đoàn.\n\n"
    "Bạn cứ gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). Tôi trả lời bằng đoạn "
    "<b>trích nguyên văn</b> từ văn bản, kèm <b>nguồn</b> (tên văn bản, mục) để bạn kiểm tra lại.\n\n"
    "<b>Ví dụ:</b>\n{examples}\n\n"
    "Bấm một câu hỏi mẫu bên dưới để thử, hoặc gõ /help để xem hướng dẫn."
)
HELP = (
    "📖 <b>Hướng dẫn sử dụng Sổ tay</b>\n\n"
    "• Gõ câu hỏi → tôi trả lời bằng đoạn trích nguyên văn, kèm <b>📄 Nguồn</b>.\n"
    "• <b>Xem đầy đủ</b>: đọc toàn văn đoạn được trích.\n"
    "• <b>Kết quả khác</b>: xem các đoạn liên quan tiếp theo.\n"
    "• 👍 / 👎: cho biết câu trả lời có hữu ích không.\n\n"
    "<b>Lệnh:</b>\n"
    "/tim &lt;từ khóa&gt; — tìm các đoạn văn bản theo từ khóa\n"
    "/vanban — danh sách văn bản đang có\n"
    "/vanban &lt;số hoặc mã&gt; — thông tin và mục lục một văn bản, ví dụ: /vanban 01/CTr-LĐLĐ\n"
    "/start — lời chào và câu hỏi mẫu\n\n"
    "<b>Trong nhóm:</b> nhắc tên @{username} hoặc trả lời (reply) tin nhắn của tôi thì tôi mới trả lời.\n\n"
    "Tôi chỉ trả lời theo các văn bản đã có trong kho; không tìm thấy thì tôi sẽ nói rõ."
)
NON_TEXT = ("Tôi chỉ đọc được câu hỏi dạng chữ 🙂 Bạn gõ câu hỏi giúp tôi nhé, ví dụ: "
            "«Chỉ tiêu đào tạo chủ tịch CĐCS là gì?»")
REFUSED = ("Xin lỗi, Sổ tay hiện chỉ phục vụ các nhóm và người dùng đã được đăng ký. "
           "Bạn vui lòng liên hệ quản trị viên Công đoàn để được cấp quyền sử dụng.")
SLOW_DOWN = ("⏳ Bạn hỏi nhanh quá, chậm lại một chút nhé! Mỗi phút tôi trả lời tối đa {n} câu hỏi "
             "cho một người. Bạn thử lại sau khoảng {s} giây.")
SORRY = "Xin lỗi, có lỗi xảy ra khi xử lý yêu cầu của bạn. Bạn vui lòng thử lại sau ít phút."
TIM_USAGE = ("Cách dùng: /tim &lt;từ khóa&gt;\nVí dụ: /tim luân chuyển cán bộ\n\n"
             "Muốn hỏi trọn câu thì bạn cứ gõ thẳng câu hỏi.")
UNKNOWN_COMMAND = "Tôi chưa hiểu lệnh này. Gõ /help để xem các lệnh, hoặc gõ thẳng câu hỏi."
DOC_NOT_FOUND = "Không tìm thấy văn bản «{key}». Gõ /vanban để xem danh sách văn bản hiện có."
EMPTY_MENTION = "Bạn muốn hỏi gì? Hãy nhắc tên tôi kèm câu hỏi, ví dụ: @{username} {example}"

EXPIRED = "Nút này đã hết hạn. Bạn vui lòng hỏi lại nhé."
THANKS = {"u": "Cảm ơn bạn đã góp ý! 👍", "d": "Cảm ơn bạn! Góp ý 👎 giúp Sổ tay trả lời tốt hơn."}
ALREADY = "Bạn đã góp ý cho câu trả lời này rồi. Cảm ơn bạn!"
GONE = "Đoạn này không còn trong kho văn bản."

# uploads (admins only)
UPLOAD_REFUSED = ("Xin lỗi, chỉ quản trị viên mới gửi được văn bản vào kho. Bạn cứ gõ câu hỏi bằng chữ, "
                  "tôi sẽ tra cứu giúp bạn.")
UPLOAD_TOO_BIG = ("Tệp «{name}» nặng {size} MB, vượt giới hạn {limit} MB mà Telegram cho bot tải về. "
                  "Bạn vui lòng nén hoặc tách tệp, hoặc tải lên qua trang web của Sổ tay.")
UPLOAD_WORKING = "⏳ Đang xử lý «{name}»…"
UPLOAD_FAILED = "❌ Không nạp được «{name}»: {error}"
UPLOAD_SLOW = ("⏳ «{name}» vẫn đang được xử lý ({stage}). Khi xong, văn bản sẽ có trong /vanban.")
UPLOAD_STATUS = {"added": "✅ Đã thêm văn bản mới", "updated": "♻️ Đã cập nhật văn bản",
                 "unchanged": "ℹ️ Văn bản này đã có trong kho, không thay đổi",
                 "similar": "🤔 Có vẻ là văn bản đã có trong kho"}
UPLOAD_SIMILAR = ("Có vẻ là văn bản «{name}» đã có ({why}). Chưa nạp gì, văn bản đã có giữ nguyên. "
                  "Bạn chọn: thêm «{file}» thành văn bản mới, hay thay văn bản đã có bằng tệp này?")
UPLOAD_CHOSEN = {"new": "➕ Đang thêm «{file}» thành văn bản mới…",
                 "replace": "🔁 Đang thay văn bản «{name}» bằng «{file}»…"}
BTN_ADD_NEW = "➕ Thêm thành văn bản mới"
BTN_REPLACE = "🔁 Thay văn bản đã có"
UPLOAD_REPLACED = "Thay cho bản trước từ tệp «{previous}»."
OCR_YES = "có (văn bản quét, độ tin cậy {conf:.0f}/100)"
OCR_NO = "không (văn bản có sẵn chữ)"
SCANNED = "văn bản quét — có thể có lỗi chính tả"   # beside a quote from a scan (the web page says the same)
UNKNOWN = "chưa rõ"
UNDO_CONFIRM = "Bạn chắc chắn muốn xóa văn bản «{name}» khỏi kho?"
UNDONE = "🗑 Đã xóa văn bản «{name}» khỏi kho."
KEPT = "Đã giữ nguyên văn bản."
BTN_OUTLINE = "📘 Xem mục lục"
BTN_UNDO = "↩️ Hoàn tác (xóa)"
BTN_UNDO_YES = "Xóa văn bản"
BTN_UNDO_NO = "Giữ lại"
BTN_FULL = "Xem đầy đủ"
BTN_MORE = "Kết quả khác"
BTN_PREV = "◀ Trang trước"
BTN_NEXT = "Trang sau ▶"
LINK = "Xem đầy đủ"

# answers
NOT_FOUND = "Rất tiếc, tôi không tìm thấy đoạn văn bản nào trả lời trực tiếp câu hỏi này."
HINT = ("💡 Bạn thử diễn đạt lại câu hỏi (thêm từ khóa cụ thể, tên văn bản, năm…), "
        "hoặc dùng /tim &lt;từ khóa&gt; để xem các đoạn có chứa từ khóa.")

# Zalo: plain text (no markup, no buttons); typed replies stand in for the buttons
Z_TYPED_ANSWER = "👉 Gõ 1: xem toàn văn đoạn trích · 2: kết quả khác · «đúng» hoặc «sai»: góp ý câu trả lời."
Z_TYPED_NOT_FOUND = "👉 Gõ 2: xem thêm các đoạn liên quan · «đúng» hoặc «sai»: góp ý."
Z_TYPED_RESULTS = "👉 Gõ 1: đọc toàn văn các đoạn trên · 2: trang sau."
Z_TYPED_LAST_PAGE = "👉 Gõ 1: đọc toàn văn các đoạn trên."
Z_TYPED_FULL = "👉 Gõ 2: kết quả khác · «đúng» hoặc «sai»: góp ý câu trả lời."
Z_NOTHING_YET = ("Bạn gõ câu hỏi trước nhé. Sau mỗi câu trả lời: gõ 1 để xem toàn văn đoạn trích, 2 để xem "
                 "kết quả khác, «đúng» hoặc «sai» để góp ý.")
Z_NO_FULL = "Câu trả lời này không trích đoạn nào. Gõ 2 để xem các đoạn liên quan, hoặc hỏi lại cụ thể hơn."
Z_NO_VOTE = "Chưa có câu trả lời nào để góp ý. Bạn gõ câu hỏi trước nhé."
Z_THANKS = {"up": "Cảm ơn bạn đã góp ý! 👍", "down": "Cảm ơn bạn! Góp ý «sai» giúp Sổ tay trả lời tốt hơn."}
Z_HINT = ("💡 Bạn thử diễn đạt lại câu hỏi (thêm từ khóa cụ thể, tên văn bản, năm…), "
          "hoặc gõ /tim <từ khóa> để xem các đoạn có chứa từ khóa.")
Z_GREETING = (
    "👋 Xin chào{name}! Tôi là Sổ tay — trợ lý tra cứu văn bản Công đoàn.\n\n"
    "Bạn cứ gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). Tôi trả lời bằng đoạn trích "
    "nguyên văn từ văn bản, kèm nguồn (tên văn bản, mục) để bạn kiểm tra lại.\n\n"
    "Ví dụ:\n{examples}\n\n"
    "Sau mỗi câu trả lời: gõ 1 để xem toàn văn đoạn trích, 2 để xem kết quả khác, «đúng» hoặc «sai» để "
    "góp ý. Gõ /help để xem hướng dẫn."
)
Z_HELP = (
    "📖 Hướng dẫn sử dụng Sổ tay trên Zalo\n\n"
    "• Gõ câu hỏi → tôi trả lời bằng đoạn trích nguyên văn, kèm 📄 Nguồn.\n"
    "• Gõ 1: đọc toàn văn đoạn được trích.\n"
    "• Gõ 2: xem các đoạn liên quan tiếp theo (gõ 2 nữa để sang trang sau).\n"
    "• Gõ «đúng» hoặc «sai»: cho biết câu trả lời có đúng không.\n\n"
    "Lệnh:\n"
    "/tim <từ khóa> — tìm các đoạn văn bản theo từ khóa\n"
    "/vanban — danh sách văn bản đang có\n"
    "/vanban <số hoặc mã> — thông tin và mục lục một văn bản, ví dụ: /vanban 01/CTr-LĐLĐ\n\n"
    "Tôi chỉ trả lời theo các văn bản đã có trong kho; không tìm thấy thì tôi sẽ nói rõ."
)
Z_TIM_USAGE = ("Cách dùng: /tim <từ khóa>\nVí dụ: /tim luân chuyển cán bộ\n\n"
               "Muốn hỏi trọn câu thì bạn cứ gõ thẳng câu hỏi.")
Z_DOCS_MORE = "… và {n} văn bản khác. Gõ /vanban <số hoặc mã> để xem một văn bản."
Z_TRIMMED = "… (còn tiếp — nội dung dài hơn giới hạn tin nhắn Zalo; bạn xem đầy đủ trên trang tra cứu)"
Z_NON_TEXT = ("Tôi chỉ đọc được câu hỏi dạng chữ 🙂 Bạn gõ câu hỏi giúp tôi nhé, ví dụ: "
              "«Chỉ tiêu đào tạo chủ tịch CĐCS là gì?»")
Z_UPLOAD_REFUSED = ("Xin lỗi, chỉ quản trị viên mới gửi được ảnh văn bản vào kho. Bạn cứ gõ câu hỏi bằng chữ, "
                    "tôi sẽ tra cứu giúp bạn.")
Z_UPLOAD_TOO_BIG = ("Ảnh «{name}» nặng hơn {limit} MB, vượt giới hạn tải lên. Bạn vui lòng chụp lại với "
                    "dung lượng nhỏ hơn, hoặc tải lên qua trang web của Sổ tay.")
Z_UPLOAD_NO_PHOTO = "❌ Không tải được ảnh «{name}» từ Zalo. Bạn vui lòng gửi lại ảnh."
Z_UPLOAD_SIMILAR = ("Có vẻ là văn bản «{name}» đã có ({why}). Chưa nạp gì, văn bản đã có giữ nguyên. "
                    "Gõ «thêm» để thêm «{file}» thành văn bản mới, hoặc «thay» để thay văn bản đã có bằng ảnh này.")
Z_UPLOAD_DONE = "Gõ /vanban {key} để xem mục lục."
