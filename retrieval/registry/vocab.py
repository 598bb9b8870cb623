"""General vocabulary of partnership announcements in English, Korean and Japanese.

Only words of the genre live here (kinds of agreement, signing verbs, titles, organisation
types, cues of earlier events); never the name of an organisation, place or person: names
are read from the releases themselves.
"""

from __future__ import annotations

import re

# ---- kinds of partnership: (kind, pattern), most specific first ------------------------------
KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("extension", re.compile(r"\b(?:renew(?:s|ed|al)?|extend(?:s|ed)?|extension)\b|갱신|연장|재체결|更新|延長", re.I)),
    ("loi", re.compile(r"\bletters? of (?:intent|intend|interest)\b|\bLOI\b|의향서|意向書", re.I)),
    ("mou", re.compile(r"\bmemorand(?:um|a) of (?:understanding|cooperation|agreement)\b|\bMO[UC]s?\b|"
                       r"양해각서|업무협약|覚書|了解覚書", re.I)),
    ("programme", re.compile(r"\bjoint (?:programme|program|research programme)\b|공동 ?프로그램|共同プログラム", re.I)),
    ("agreement", re.compile(r"\b(?:agreements?|accords?|pacts?|partnerships?|collaborations?|alliances?|"
                             r"contracts?)\b|협약|협정|계약|맞손|손잡|協定|契約|提携|連携|手を(?:結|組)", re.I)),
]
# Nouns strong enough that "X between A and B" or a headline "A, B와 업무협약" is a signing.
STRONG = re.compile(r"\bmemorand(?:um|a) of|\bMO[UC]s?\b|\bMoUs?\b|\bletters? of (?:intent|intend)\b|"
                    r"\bagreements?\b|\baccords?\b|\bcontracts?\b|협약|협정|양해각서|의향서|계약|"
                    r"覚書|協定|契約|意向書", re.I)
WEAK = re.compile(r"\bpartnership|\bcollaborat|\balliance|\bcooperation|\bjoint venture|"
                  r"맞손|손잡|손을 잡|협력|提携|連携|手を(?:結|組)", re.I)
# Verbs that report the act of signing (not plans, aims or praise).
SIGN_VERB = re.compile(
    r"\b(?:sign(?:s|ed|ing)?|conclud(?:e|es|ed|ing)|ink(?:s|ed)?|enter(?:s|ed)? into|formali[sz](?:e|es|ed)|"
    r"exchang(?:e|es|ed)|announc(?:e|es|ed)|forg(?:e|es|ed)|establish(?:es|ed)?|launch(?:es|ed)?|"
    r"renew(?:s|ed)?|extend(?:s|ed)?|agree[sd]? to|teams? up|partner(?:s|ed)? with|join(?:s|ed)? forces)\b|"
    r"체결|맺|서명|교환|잡았|잡고|손잡|맞손|締結|取(?:り)?交わ|結(?:ん|び|ぶ)|署名|調印|合意|手を(?:結|組)", re.I)
# Cues that a sentence reports an earlier partnership rather than the one announced.
EARLIER = re.compile(
    r"\b(?:so far|already|previously|earlier|to date|in the past|similar agreement|follows? (?:a|an|the)|"
    r"after (?:its|their))\b|앞서|이미|그동안|지금까지|"
    r"바 있|지난해|작년|これまで|既に|すでに|先に|ておりました|ていた", re.I)

# ---- people ----------------------------------------------------------------------------------
TITLE_WORDS = (
    "ceo", "cto", "cfo", "coo", "cmo", "president", "vice president", "chairman", "chairwoman", "chair",
    "director", "director general", "director-general", "minister", "vice minister", "secretary",
    "governor", "deputy governor", "mayor", "manager", "general manager", "managing director",
    "officer", "chief", "head", "founder", "co-founder", "dean", "principal", "professor",
    "executive", "partner", "senior partner", "representative", "commissioner", "administrator",
    "ambassador", "chancellor", "rector", "provost", "leader", "superintendent",
)
HONORIFIC = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|Gov|Sen|Rep|Sir|Dame)\.?\s+(?=[A-Z])")
TITLE_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(t) for t in TITLE_WORDS), key=len, reverse=True))
                      + r")s?\b", re.I)
KO_TITLES = ("대표이사", "대표", "사장", "회장", "부회장", "이사장", "원장", "단장", "추진단장", "소장", "센터장",
             "총장", "장관", "차관", "청장", "시장", "도지사", "지사", "사무총장", "본부장", "부사장", "전무",
             "상무", "이사", "교수", "위원장", "최고의학책임자", "최고경영자", "최고기술책임자", "의장", "관장")
JA_TITLES = ("代表取締役社長", "代表取締役", "代表者", "代表", "社長", "会長", "理事長", "理事", "学長", "総長",
             "所長", "センター長", "市長", "知事", "副知事", "大臣", "局長", "部長", "院長", "事務局長", "CEO")

# ---- organisations ---------------------------------------------------------------------------
ORG_TYPES_EN = (
    "university", "universit[àé]", "institute", "institution", "ministry", "department", "agency",
    "council", "association", "foundation", "organi[sz]ation", "society", "federation", "cluster",
    "park", "network", "centre", "center", "hospital", "college", "school", "academy", "laboratory",
    "laboratories", "bank", "fund", "group", "inc", "corp", "corporation", "company", "co", "ltd",
    "llc", "gmbh", "ag", "sa", "plc", "pharma", "pharmaceuticals?", "therapeutics", "biosciences?",
    "biotech", "government", "prefecture", "city", "state", "region", "province", "county",
    "municipality", "office", "authority", "commission", "board", "trust", "hub", "partners",
    "partnership", "consortium", "alliance", "innovation", "development", "industry", "industries",
    "chamber", "bureau", "headquarters", "service", "services", "clinic", "labs?",
)
ORG_WORDS_EN = re.compile(r"\b(?:" + "|".join(ORG_TYPES_EN) + r")\b", re.I)
ORG_SUFFIX_KO = (
    "부", "청", "처", "원", "단", "재단", "협회", "학회", "연구소", "연구원", "대학교", "대학", "병원", "센터", "파크",
    "기구", "공사", "공단", "사업단", "추진단", "위원회", "클러스터", "진흥원", "은행", "그룹", "제약", "바이오",
    "시", "도", "군", "구", "현", "주", "회", "사", "소", "관", "실", "본부", "테크노파크", "연합회", "조합",
)
ORG_SUFFIX_JA = (
    "市", "県", "府", "都", "道", "州", "省", "庁", "機構", "会社", "工業", "大学", "財団", "法人", "協会", "学会",
    "研究所", "センター", "パーク", "クラスター", "機関", "銀行", "病院", "本部", "事業団", "振興会", "協議会",
    "委員会", "グループ", "製薬", "株式会社", "組合", "連合", "ヘッドクオーター", "インスティテュート",
    "院", "会議", "公社", "公団", "基金", "有限公司",
)
# Words that describe an organisation without naming it ("사단법인 X", "バイオ企業のX").
KO_DESCRIPTORS = {
    "사단법인", "재단법인", "비영리", "부설", "산하", "소속", "기업", "기관", "회사", "국제기구", "단체", "법인",
    "선도", "글로벌", "세계적", "국내", "해외", "국제", "민간", "공공", "최대", "대표", "분야", "전문", "일본", "한국",
    "미국", "중국", "영국", "독일", "프랑스", "유럽", "제약사", "바이오기업", "바이오테크", "양", "두", "세", "3개",
}
KO_NOT_NAMES = {
    "내용", "주요 내용", "다음", "방침", "계획", "목표", "결과", "성과", "이번", "양", "양측", "양사", "양국", "두", "기관", "기관은", "협약", "업무협약", "정부", "우리", "당사", "회사", "재단",
    "한국", "일본", "미국", "중국", "영국", "독일", "프랑스", "국내", "해외", "이날", "오늘", "최근", "지난", "이후",
    "향후", "앞으로", "또한", "한편", "아울러", "특히", "이를", "이에", "참석", "행사", "협력", "공동", "상호",
}
# Category nouns: "세포치료제 개발기업 X", "ゲノム解析企業" describe, they do not name.
GENERIC_KO = ("기업", "기관", "업체", "회사", "단체", "스타트업", "파트너", "회원사", "제약사", "투자자", "환자")
GENERIC_JA = ("企業", "機関", "団体", "メーカー", "スタートアップ", "パートナー", "事業者")
COUNTRY_PREFIX_JA = re.compile(r"^(?:韓国|日本|米国|英国|中国|台湾|独|仏|ドイツ|フランス|アメリカ|イギリス|スペイン|"
                               r"イタリア|スイス|スウェーデン|オランダ)(?=.{3,})")
# Activity nouns: "연구개발과 협력을 위한" is not a party.
KO_ACTIVITY = ("개발", "협력", "연구", "육성", "지원", "교류", "발전", "성장", "활용", "구축", "추진", "강화",
               "촉진", "혁신", "사업화", "상용화", "확대", "공유", "진출", "투자", "기술", "산업", "분야", "협의")
JA_NOT_NAMES = {"事項", "内容", "両者", "三者", "両社", "両機関", "本日", "当社", "弊社", "同社", "同市", "今回", "双方", "日本", "韓国",
                "米国", "中国", "英国", "欧州"}
EN_NOT_NAMES = {
    "The", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "For", "With", "By", "From",
    "And", "Of", "To", "As", "A", "An", "Our", "We", "He", "She", "They", "Their", "Through", "Since",
    "After", "Before", "During", "Furthermore", "Moreover", "However", "Today", "Yesterday", "MOU",
    "MOUs", "MoU", "MoUs", "Memorandum", "Agreement", "Letter", "Both", "Under", "Also", "Following",
    "Based", "Meanwhile", "Additionally", "Together", "Here", "So", "Signing", "Ceremony", "CEO", "Dr",
    "Mr", "Ms", "Prof", "Gov",
}
# Title-case headline verbs that end the subject ("X Concludes MOU", "X And Y Announce ...").
EN_VERBS = {"Concludes", "Concluded", "Signs", "Signed", "Sign", "Announce", "Announces", "Announced",
            "Forges", "Forge", "Launch", "Launches", "Enter", "Enters", "Ink", "Inks", "Renew", "Renews",
            "Extend", "Extends", "Join", "Joins", "Partner", "Partners With", "Team", "Teams", "To", "With",
            "On", "For", "Of", "And", "In", "At", "Has", "Have", "Will", "Agree", "Agrees"}
MONTHS_EN = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
             "Sept", "Oct", "Nov", "Dec", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
             "Saturday", "Sunday"}
# Lower-case words that may sit inside an English organisation name.
EN_CONNECTORS = {"of", "for", "the", "de", "du", "des", "la", "le", "di", "del", "della", "und", "für",
                 "in", "on", "at", "&", "y", "e", "et"}
# "the state of X", "the city of X": type words written before the proper name.
EN_TYPE_OF = re.compile(r"\b(?:the\s+)?(?:[A-Z][a-z]+\s+)?(state|region|city|prefecture|province|county|"
                        r"government|republic|kingdom|municipality|university|town)\s+of\s+(?=[A-Z])", re.I)


def kind_of(text: str) -> str:
    """The kind of partnership a signing sentence reports."""
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return "agreement"
