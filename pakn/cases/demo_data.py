"""Demo content: agencies, fields, routing and realistic Vietnamese submissions (written for
this project; places are real administrative units, people and incidents are invented)."""

from __future__ import annotations

# (code, name, name_en, description)
FIELDS = [
    (
        "khcn",
        "Khoa học và công nghệ",
        "Science and technology",
        "Nghiên cứu, chuyển giao công nghệ, quỹ phát triển khoa học.",
    ),
    (
        "doi-moi-sang-tao",
        "Đổi mới sáng tạo",
        "Innovation",
        "Khởi nghiệp, sở hữu trí tuệ, thử nghiệm có kiểm soát (sandbox).",
    ),
    (
        "chuyen-doi-so",
        "Chuyển đổi số",
        "Digital transformation",
        "Dịch vụ công trực tuyến, ứng dụng số của cơ quan nhà nước.",
    ),
    (
        "ha-tang-so",
        "Hạ tầng số",
        "Digital infrastructure",
        "Mạng băng rộng, trung tâm dữ liệu, điện toán đám mây.",
    ),
    ("du-lieu", "Dữ liệu số", "Data", "Cơ sở dữ liệu quốc gia, chia sẻ và bảo vệ dữ liệu."),
    (
        "thu-tuc-hanh-chinh",
        "Thủ tục hành chính",
        "Administrative procedures",
        "Hồ sơ, giấy tờ, thời gian giải quyết thủ tục.",
    ),
    (
        "moi-truong",
        "Vệ sinh môi trường",
        "Environmental sanitation",
        "Rác thải, nước thải, ô nhiễm, cây xanh.",
    ),
    ("giao-thong", "Giao thông", "Traffic", "Đường sá, đèn tín hiệu, an toàn giao thông."),
    ("y-te", "Y tế", "Health", "Khám chữa bệnh, bảo hiểm y tế, an toàn thực phẩm."),
    ("giao-duc", "Giáo dục", "Education", "Trường lớp, học phí, chương trình học."),
    (
        "an-ninh-trat-tu",
        "An ninh trật tự",
        "Public order",
        "Trật tự công cộng, tiếng ồn, lấn chiếm vỉa hè.",
    ),
    (
        "vien-thong",
        "Viễn thông",
        "Telecommunications",
        "Sóng di động, tin nhắn rác, chất lượng internet.",
    ),
]

# Central agencies under the national intake point: (code, name, short, field codes)
MINISTRIES = [
    (
        "bo-khcn",
        "Bộ Khoa học và Công nghệ",
        "Bộ KH&CN",
        ["khcn", "doi-moi-sang-tao", "chuyen-doi-so", "ha-tang-so", "du-lieu", "vien-thong"],
    ),
    ("bo-noi-vu", "Bộ Nội vụ", "Bộ Nội vụ", ["thu-tuc-hanh-chinh"]),
    ("bo-xay-dung", "Bộ Xây dựng", "Bộ Xây dựng", ["giao-thong"]),
    ("bo-y-te", "Bộ Y tế", "Bộ Y tế", ["y-te"]),
    ("bo-gddt", "Bộ Giáo dục và Đào tạo", "Bộ GD&ĐT", ["giao-duc"]),
    ("bo-nnmt", "Bộ Nông nghiệp và Môi trường", "Bộ NN&MT", ["moi-truong"]),
]

# Provinces: (code prefix, province codename, name) with departments and communes
PROVINCES = [
    (
        "ls",
        "lang_son",
        "Ủy ban nhân dân tỉnh Lạng Sơn",
        ["Phường Đông Kinh", "Phường Lương Văn Tri", "Phường Tam Thanh", "Xã Thất Khê"],
    ),
    (
        "th",
        "thanh_hoa",
        "Ủy ban nhân dân tỉnh Thanh Hóa",
        ["Phường Hạc Thành", "Phường Hàm Rồng", "Phường Quang Trung", "Phường Bỉm Sơn"],
    ),
]

# Province departments: (suffix, name template, field codes)
DEPARTMENTS = [
    (
        "so-khcn",
        "Sở Khoa học và Công nghệ {p}",
        ["khcn", "doi-moi-sang-tao", "chuyen-doi-so", "ha-tang-so", "du-lieu", "vien-thong"],
    ),
    ("so-xd", "Sở Xây dựng {p}", ["giao-thong"]),
    ("so-yt", "Sở Y tế {p}", ["y-te"]),
    ("so-gddt", "Sở Giáo dục và Đào tạo {p}", ["giao-duc"]),
    ("so-nnmt", "Sở Nông nghiệp và Môi trường {p}", ["moi-truong"]),
    ("van-phong", "Văn phòng UBND {p}", ["thu-tuc-hanh-chinh"]),
]
COMMUNE_FIELDS = ["moi-truong", "an-ninh-trat-tu", "giao-thong", "thu-tuc-hanh-chinh"]

STREETS = [
    "đường Trần Đăng Ninh",
    "đường Bà Triệu",
    "ngõ 12 đường Lê Lợi",
    "đường Nguyễn Du",
    "khu phố 3",
    "thôn Nà Chuông",
    "đường Hùng Vương",
    "đường Lê Hoàn",
    "ngõ chợ cũ",
    "đường Phai Vệ",
]
PEOPLE = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Cường",
    "Phạm Thu Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Minh Hải",
    "Bùi Thị Hạnh",
    "Đỗ Quang Khải",
    "Hồ Thị Lan",
    "Ngô Đức Mạnh",
    "Dương Thị Nga",
    "Lý Văn Phúc",
    "Nông Thị Quyên",
    "Lương Văn Sơn",
]
ORGS = [
    "Công ty TNHH Công nghệ Xứ Lạng",
    "Hợp tác xã Nông sản sạch Hà Trung",
    "Trường THCS Hoàng Văn Thụ",
    "Công ty CP Phần mềm Lam Sơn",
]

# field code → list of (kind, title, body) with {street} and {place} slots
TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    "moi-truong": [
        (
            "report",
            "Rác thải tồn đọng nhiều ngày tại {street}",
            "Khu vực {street}, {place} rác thải sinh hoạt không được thu gom đã gần một tuần, bốc mùi hôi thối, ruồi muỗi nhiều. Đề nghị đơn vị vệ sinh môi trường thu gom sớm và bố trí lịch thu cố định.",
        ),
        (
            "report",
            "Nước thải chảy tràn ra mặt đường {street}",
            "Cống thoát nước tại {street} ({place}) bị tắc, nước thải đen chảy tràn ra đường mỗi khi trời mưa, người đi bộ phải lội qua. Đề nghị nạo vét cống.",
        ),
        (
            "recommendation",
            "Kiến nghị đặt thêm thùng phân loại rác ở {place}",
            "Người dân {place} đã quen phân loại rác nhưng điểm tập kết chỉ có một loại thùng. Kiến nghị bố trí thùng rác hữu cơ và tái chế riêng tại {street}.",
        ),
        (
            "report",
            "Cơ sở sản xuất gây khói bụi ở {street}",
            "Một xưởng sản xuất tại {street}, {place} thường xuyên đốt phế liệu vào buổi tối, khói đen bay vào nhà dân. Đề nghị kiểm tra.",
        ),
    ],
    "giao-thong": [
        (
            "report",
            "Ổ gà lớn trên {street} gây nguy hiểm",
            "Mặt đường {street}, {place} xuất hiện nhiều ổ gà sâu khoảng 20 cm, đã có người đi xe máy bị ngã vào ban đêm. Đề nghị sửa chữa khẩn cấp.",
        ),
        (
            "report",
            "Đèn tín hiệu giao thông hỏng tại ngã tư {street}",
            "Đèn tín hiệu tại ngã tư {street} ({place}) tắt từ ba ngày nay, giờ cao điểm rất ùn tắc và dễ xảy ra va chạm.",
        ),
        (
            "recommendation",
            "Kiến nghị lắp gờ giảm tốc trước cổng trường ở {place}",
            "Đoạn {street} trước cổng trường học xe chạy rất nhanh vào giờ tan học. Kiến nghị lắp gờ giảm tốc và biển báo khu vực trường học.",
        ),
    ],
    "y-te": [
        (
            "report",
            "Thời gian chờ khám bảo hiểm y tế quá lâu",
            "Tại bệnh viện đa khoa khu vực {place}, người bệnh có thẻ bảo hiểm y tế phải chờ từ 6 giờ sáng đến trưa mới được khám. Đề nghị cải tiến quy trình, cho đặt lịch khám trực tuyến.",
        ),
        (
            "recommendation",
            "Kiến nghị cho phép dùng VNeID thay thẻ BHYT giấy ở trạm y tế",
            "Một số trạm y tế xã ở {place} vẫn yêu cầu thẻ bảo hiểm y tế giấy dù người dân đã có VNeID mức 2. Kiến nghị hướng dẫn thống nhất.",
        ),
        (
            "report",
            "Cơ sở kinh doanh thực phẩm không đảm bảo vệ sinh tại {street}",
            "Quán ăn tại {street}, {place} để thực phẩm sống cạnh thức ăn chín, nhiều người bị đau bụng sau khi ăn. Đề nghị kiểm tra an toàn thực phẩm.",
        ),
    ],
    "giao-duc": [
        (
            "recommendation",
            "Kiến nghị công khai mức học phí năm học mới",
            "Phụ huynh ở {place} chưa được thông báo mức học phí năm học mới nhưng nhà trường đã yêu cầu đóng học phí cả năm một lần. Kiến nghị công khai mức học phí và cho đóng theo học kỳ.",
        ),
        (
            "report",
            "Trường thu thêm các khoản ngoài quy định",
            "Trường tiểu học ở {place} thu các khoản quỹ lớp, tiền điều hòa, tiền photo tài liệu đầu năm học, tổng gần 2 triệu đồng mỗi học sinh. Đề nghị làm rõ các khoản thu.",
        ),
        (
            "recommendation",
            "Kiến nghị bổ sung giáo viên tin học cho trường vùng cao",
            "Các trường ở {place} thiếu giáo viên tin học, học sinh lớp 3 chưa được học môn Tin học theo chương trình mới. Kiến nghị tăng biên chế hoặc cho hợp đồng giáo viên.",
        ),
    ],
    "an-ninh-trat-tu": [
        (
            "report",
            "Karaoke gây ồn sau 22 giờ tại {street}",
            "Một hộ gia đình tại {street}, {place} hát karaoke công suất lớn đến 12 giờ đêm nhiều ngày liền, ảnh hưởng giấc ngủ của người già và trẻ nhỏ.",
        ),
        (
            "report",
            "Lấn chiếm vỉa hè để kinh doanh trên {street}",
            "Nhiều hộ kinh doanh trên {street}, {place} bày hàng kín vỉa hè, người đi bộ phải đi xuống lòng đường rất nguy hiểm.",
        ),
    ],
    "thu-tuc-hanh-chinh": [
        (
            "report",
            "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất quá hạn",
            "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại trung tâm phục vụ hành chính công {place} từ ba tháng trước, đã quá hẹn nhưng chưa có kết quả và không được giải thích lý do.",
        ),
        (
            "recommendation",
            "Kiến nghị bỏ yêu cầu nộp bản sao giấy tờ đã có trong cơ sở dữ liệu",
            "Khi làm thủ tục đăng ký kinh doanh hộ cá thể ở {place}, cán bộ vẫn yêu cầu bản sao căn cước có chứng thực dù dữ liệu đã có trên hệ thống. Kiến nghị khai thác dữ liệu dân cư thay vì yêu cầu giấy tờ.",
        ),
        (
            "solution",
            "Giải pháp hẹn giờ nộp hồ sơ qua Zalo cho bộ phận một cửa",
            "Đề xuất bộ phận một cửa {place} cho người dân đặt lịch nộp hồ sơ qua Zalo hoặc Cổng dịch vụ công, tránh phải chờ đợi và đi lại nhiều lần.",
        ),
    ],
    "chuyen-doi-so": [
        (
            "report",
            "Cổng dịch vụ công thường xuyên lỗi khi thanh toán lệ phí",
            "Khi nộp hồ sơ trực tuyến trên Cổng dịch vụ công, bước thanh toán lệ phí báo lỗi nhiều lần, tiền đã trừ trong tài khoản nhưng hồ sơ vẫn báo chưa nộp phí.",
        ),
        (
            "recommendation",
            "Kiến nghị đồng bộ tài khoản VNeID cho mọi dịch vụ công của tỉnh",
            "Người dân {place} phải tạo nhiều tài khoản khác nhau cho các ứng dụng của tỉnh. Kiến nghị dùng chung đăng nhập VNeID.",
        ),
        (
            "initiative",
            "Sáng kiến tổ công nghệ số cộng đồng hướng dẫn người cao tuổi",
            "Đoàn thanh niên {place} đề xuất mô hình mỗi thôn có hai tình nguyện viên hướng dẫn người cao tuổi dùng dịch vụ công trực tuyến và thanh toán không dùng tiền mặt vào tối thứ Bảy.",
        ),
    ],
    "khcn": [
        (
            "recommendation",
            "Kiến nghị đơn giản hóa thủ tục thanh toán đề tài khoa học cấp tỉnh",
            "Các nhà khoa học ở {place} mất nhiều thời gian cho hóa đơn, chứng từ khi thanh toán đề tài. Kiến nghị áp dụng cơ chế khoán chi đến sản phẩm cuối cùng theo tinh thần Nghị quyết 57-NQ/TW.",
        ),
        (
            "solution",
            "Giải pháp dùng cảm biến IoT giám sát độ ẩm vườn hồi",
            "Hợp tác xã ở {place} đã thử nghiệm cảm biến độ ẩm giá rẻ cho vườn hồi, giảm 30% lượng nước tưới. Đề xuất nhân rộng với hỗ trợ từ quỹ phát triển khoa học công nghệ.",
        ),
    ],
    "doi-moi-sang-tao": [
        (
            "recommendation",
            "Kiến nghị cơ chế thử nghiệm có kiểm soát cho dịch vụ giao hàng bằng drone",
            "Doanh nghiệp khởi nghiệp ở {place} muốn thử nghiệm giao hàng bằng thiết bị bay không người lái trong phạm vi khu công nghiệp. Kiến nghị ban hành cơ chế sandbox rõ ràng.",
        ),
        (
            "initiative",
            "Sáng kiến không gian sáng tạo cho học sinh tại nhà văn hóa",
            "Đề xuất sử dụng nhà văn hóa {place} vào cuối tuần làm không gian sáng tạo, có máy in 3D và bộ lắp ráp robot cho học sinh.",
        ),
    ],
    "ha-tang-so": [
        (
            "report",
            "Thôn chưa có internet cáp quang",
            "Thôn ở {place} đến nay chưa có cáp quang, học sinh học trực tuyến phải ra đồi bắt sóng điện thoại. Đề nghị các nhà mạng đầu tư hạ tầng.",
        ),
    ],
    "du-lieu": [
        (
            "recommendation",
            "Kiến nghị cập nhật dữ liệu đất đai lên hệ thống dùng chung",
            "Dữ liệu thửa đất của nhiều hộ ở {place} chưa được số hóa nên không thể làm thủ tục trực tuyến. Kiến nghị đẩy nhanh số hóa và chia sẻ dữ liệu đất đai.",
        ),
    ],
    "vien-thong": [
        (
            "report",
            "Sóng di động yếu tại {place}",
            "Khu dân cư {street}, {place} sóng điện thoại chập chờn, không gọi được vào buổi tối, nhiều lần không nhận được mã OTP ngân hàng.",
        ),
        (
            "report",
            "Tin nhắn rác, cuộc gọi lừa đảo mạo danh công an",
            "Người dân {place} liên tục nhận cuộc gọi mạo danh công an yêu cầu cài ứng dụng lạ. Đề nghị nhà mạng và cơ quan chức năng ngăn chặn.",
        ),
    ],
}

ANSWER_TEXTS = {
    "accepted": "Cơ quan đã kiểm tra thực tế và tiếp thu phản ánh. Đơn vị chuyên môn sẽ khắc phục trong thời gian sớm nhất và báo cáo kết quả. Cảm ơn ông/bà đã phản ánh.",
    "explained": "Về nội dung phản ánh, cơ quan xin giải thích: quy định hiện hành cho phép thực hiện như trên; cơ quan đã hướng dẫn đơn vị liên quan công khai thông tin để người dân nắm rõ.",
    "rule_amended": "Cơ quan ghi nhận kiến nghị và đã đưa vào dự thảo sửa đổi quy định, dự kiến trình cấp có thẩm quyền trong quý tới.",
    "not_accepted": "Sau khi xem xét, cơ quan chưa tiếp thu kiến nghị vì chưa phù hợp với quy định hiện hành; lý do cụ thể đã nêu trong văn bản trả lời kèm theo.",
}
