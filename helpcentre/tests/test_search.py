from helpcentre.search import Document, rank, terms

DOCS = [
    Document("printer", "小票打不出来", "打印头脏或纸装反", "换纸，清洁打印头"),
    Document("paper", "打印纸的保存", "避光防潮", "热敏纸放在阴凉处"),
    Document("limits", "交易限额", "单笔和单日限额", "超出限额会返回 61"),
    Document("en", "Receipts do not print", "Paper loaded the wrong way", "Clean the print head"),
]


def test_chinese_queries_are_cut_into_character_pairs():
    assert terms("打印不清") == ["打印", "印不", "不清"]
    assert terms("码") == ["码"]
    assert terms("Print 51 a") == ["print", "51"]


def test_ranking_prefers_title_and_needs_half_the_terms():
    assert rank(DOCS, "打印头")[:1] == ["printer"]
    assert rank(DOCS, "限额 61") == ["limits"]
    assert rank(DOCS, "print head") == ["en"]
    assert rank(DOCS, "完全无关的问题") == []
    assert rank(DOCS, "") == []
