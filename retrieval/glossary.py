"""A small bilingual (English / Korean / Japanese) glossary of the partnership domain.

Questions often come in one language and are answered by a release in another; the
embedders align meaning only loosely across languages, and BM25 not at all. Translating the
domain words of a question ("tenant companies" -> 입주 기업, 入居企業) gives lexical matching
something to hold on to. Names are learnt from the corpus (see lexicon.py); this file holds
only the vocabulary of MOUs, clusters and life science that every release shares, plus the
best-known places whose Japanese spelling is in kanji (which cannot be matched by sound).
"""

from __future__ import annotations

import re
from functools import lru_cache

# english forms ; korean forms ; japanese forms   (| separates synonyms)
_GROUPS = """
mou|memorandum of understanding|memorandum|agreement|cooperation agreement ; 업무협약|양해각서|협약|협정 ; 覚書|協定|連携協定|基本合意
sign|signed|signing|conclude|concluded|concluding ; 체결|서명|맺 ; 締結|署名|調印
signing ceremony ; 협약식|서명식|체결식 ; 調印式|締結式
cooperation|collaboration|cooperate|collaborate|partnership|alliance ; 협력|협업|제휴|파트너십 ; 協力|連携|提携|協業
partner|partners ; 파트너|협력기관|협력 파트너 ; パートナー|提携先
established|founded|foundation|set up|launched|opened ; 설립|개소|창립|출범|개설 ; 設立|創立|開設|創業
tenant|tenants|resident ; 입주 ; 入居|テナント
company|companies|firm|firms|enterprise|enterprises|corporation ; 기업|회사|개사|업체|사 ; 企業|会社|社
startup|startups|start-up|start-ups ; 스타트업|창업기업 ; スタートアップ|新興企業
venture|ventures ; 벤처 ; ベンチャー
member|members|membership ; 회원|회원사|멤버십 ; 会員|メンバー
employee|employees|staff|personnel|workforce|people ; 직원|인력|임직원|명 ; 従業員|社員|職員|人材|名
revenue|sales|turnover ; 매출|매출액 ; 売上|売上高
investment|investments|invest|invested ; 투자 ; 投資
funding|fund|funds|financing|budget ; 자금|펀드|예산|지원금 ; 資金|ファンド|予算
project|projects ; 프로젝트|과제 ; プロジェクト|案件|課題
research ; 연구 ; 研究
development|develop ; 개발 ; 開発
r&d|research and development ; 연구개발|기술개발|알앤디 ; 研究開発
joint|jointly|mutual ; 공동|상호 ; 共同|相互
exchange|exchanges ; 교류 ; 交流
visit|visited|visiting ; 방문 ; 訪問
conference|forum|symposium|summit ; 컨퍼런스|학술회의|학술 회의|포럼|심포지엄|회의 ; カンファレンス|会議|フォーラム|シンポジウム
theme|topic|subject ; 주제 ; テーマ|主題
keynote ; 기조연설 ; 基調講演
presentation|presented|talk|spoke|speech|lecture ; 발표|강연|연설|주제발표 ; 発表|講演
moderator|moderated|moderate|emcee|host|hosted|chaired ; 사회|좌장|진행 ; 司会|モデレーター|座長
panel|discussion ; 패널|토론 ; パネル|討論
minister ; 장관 ; 大臣
vice minister|deputy minister ; 차관 ; 副大臣
ministry ; 부|부처 ; 省
governor ; 지사 ; 知事
deputy governor|vice governor ; 부지사 ; 副知事
mayor ; 시장 ; 市長
prefecture ; 현 ; 県
province ; 도|성 ; 省
university|universities ; 대학|대학교 ; 大学
hospital|hospitals ; 병원 ; 病院
cluster|clusters ; 클러스터|협력지구 ; クラスター
innovation ; 혁신|이노베이션 ; イノベーション|革新
open innovation ; 오픈 이노베이션|개방형 혁신 ; オープンイノベーション
pharmaceutical|pharma|drugmaker ; 제약|제약사 ; 製薬
biotech|biotechnology|bio ; 바이오|생명공학 ; バイオ|生命工学
life science|life sciences ; 생명과학|바이오 ; ライフサイエンス|生命科学
healthcare|health care|health ; 헬스케어|보건|건강 ; ヘルスケア|健康
medical|medicine ; 의료|의학 ; 医療|医学
cell therapy ; 세포치료|세포치료제 ; 細胞治療
gene therapy ; 유전자치료|유전자치료제 ; 遺伝子治療
regenerative medicine ; 재생의료 ; 再生医療
clinical|clinical trial|clinical trials ; 임상|임상시험 ; 臨床|治験|臨床試験
commercialization|commercialize|commercialise ; 사업화|상용화 ; 事業化|商業化|実用化
license|licensing|technology transfer|out-licensing ; 기술이전|기술수출|라이선스 ; ライセンス|技術移転|導出
deal|contract ; 계약|딜 ; 契約
worth|value|valued|amount|size|scale ; 규모|금액 ; 規模|金額
ceo|president|chief executive|head ; 대표|대표이사|사장 ; 社長|代表|代表取締役
chairman|chairperson|chair ; 회장|이사장 ; 会長|理事長
director ; 이사|원장|센터장|본부장 ; 理事|所長|センター長
shareholder|shareholders ; 주주 ; 株主
office|offices ; 사무공간|사무실|오피스 ; オフィス|事務所
laboratory|laboratories|lab|labs ; 연구실|실험실 ; 研究室|ラボ
airport ; 공항 ; 空港
headquarters|head office|headquartered ; 본사|본부 ; 本社|本部
effective|took effect|take effect ; 효력|발효 ; 発効|効力
organization|organizations|organisation|institution|institutions|agency|agencies ; 기관|단체 ; 機関|団体
government ; 정부 ; 政府
support|supports|supported ; 지원 ; 支援
program|programs|programme ; 프로그램 ; プログラム
global|worldwide ; 글로벌|세계 ; グローバル|世界
overseas|international|foreign ; 해외|국제 ; 海外|国際
patent|patents ; 특허 ; 特許
artificial intelligence|ai ; 인공지능 ; 人工知能
digital ; 디지털 ; デジタル
drug|drugs|new drug|medicine ; 신약|의약품 ; 新薬|医薬品
antibody|antibodies ; 항체 ; 抗体
cancer|oncology|tumor ; 암|항암|온콜로지|종양 ; がん|癌|腫瘍
rare disease|rare diseases ; 희귀질환 ; 希少疾患
diagnosis|diagnostic|diagnostics ; 진단 ; 診断
medical device|medical devices ; 의료기기 ; 医療機器
incubation|accelerator|incubator ; 인큐베이션|액셀러레이터|보육 ; インキュベーション|アクセラレーター
ecosystem ; 생태계 ; エコシステム|生態系
branch|branch office ; 분사무소|지사|지점 ; 支社|支店|拠点
base|hub|outpost ; 거점|허브|전초기지 ; 拠点|ハブ
event|events ; 행사|이벤트 ; イベント|催し
seminar|workshop ; 세미나|워크숍 ; セミナー|ワークショップ
exhibition|expo|fair ; 전시회|박람회 ; 展示会|博覧会
delegation ; 대표단|사절단 ; 代表団|使節団
won ; 원 ; ウォン
yen ; 엔 ; 円
euro|euros|€ ; 유로 ; ユーロ
dollar|dollars|$ ; 달러 ; ドル
billion ; 억|조|십억 ; 億
million ; 백만|만 ; 百万|万
year|years|annual ; 년|연간 ; 年|年間
hour|hours ; 시간 ; 時間
month|months ; 개월|달 ; か月|ヶ月
january ; 1월 ; 1月
february ; 2월 ; 2月
march ; 3월 ; 3月
april ; 4월 ; 4月
may ; 5월 ; 5月
june ; 6월 ; 6月
july ; 7월 ; 7月
august ; 8월 ; 8月
september ; 9월 ; 9月
october ; 10월 ; 10月
november ; 11월 ; 11月
december ; 12월 ; 12月
"""

# Places and companies: proper names, so a question naming one names an entity.
_NAMES = """
korea|korean ; 한국|국내 ; 韓国
japan|japanese ; 일본 ; 日本
france|french ; 프랑스 ; フランス
europe|european ; 유럽 ; 欧州|ヨーロッパ
united states|usa|u.s.|america ; 미국 ; 米国|アメリカ
china|chinese ; 중국 ; 中国
tokyo ; 도쿄 ; 東京
osaka ; 오사카 ; 大阪
kanagawa ; 가나가와 ; 神奈川
kobe ; 고베 ; 神戸
kyoto ; 교토 ; 京都
yokohama ; 요코하마 ; 横浜
kawasaki ; 가와사키 ; 川崎
fujisawa ; 후지사와 ; 藤沢
shonan ; 쇼난 ; 湘南
nihonbashi ; 니혼바시 ; 日本橋
takeda ; 다케다 ; 武田
mitsui ; 미쓰이 ; 三井
mitsubishi ; 미쓰비시 ; 三菱
seoul ; 서울 ; ソウル
busan ; 부산 ; 釜山
singapore ; 싱가포르 ; シンガポール
boston ; 보스턴 ; ボストン
paris ; 파리 ; パリ
london ; 런던 ; ロンドン
"""

_LANGS = ("en", "ko", "ja")


def _parse(block: str) -> list[dict[str, tuple[str, ...]]]:
    groups = []
    for line in block.strip().splitlines():
        parts = [p.strip() for p in line.split(";")]
        groups.append({lang: tuple(f.strip().lower() for f in part.split("|") if f.strip())
                       for lang, part in zip(_LANGS, parts, strict=True)})
    return groups


@lru_cache(maxsize=1)
def _groups() -> list[dict[str, tuple[str, ...]]]:
    return _parse(_GROUPS) + _parse(_NAMES)


@lru_cache(maxsize=1)
def _name_groups() -> list[dict[str, tuple[str, ...]]]:
    return _parse(_NAMES)


def _present(form: str, lang: str, lowered: str) -> bool:
    if lang == "en":
        return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", lowered) is not None
    # CJK forms are matched as substrings, but a single character ("현", "社") says too little
    return len(form) >= 2 and form in lowered


@lru_cache(maxsize=2)
def _english_pattern(names_only: bool) -> re.Pattern[str]:
    forms = sorted({f for g in (_name_groups() if names_only else _groups()) for f in g["en"]},
                   key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![a-z0-9])")


def translate_terms(text: str, names_only: bool = False) -> list[str]:
    """Glossary forms, in the other two languages, of the domain words found in `text`
    (`names_only`: of the places and companies only)."""
    lowered = text.lower()
    english = {m.group(0) for m in _english_pattern(names_only).finditer(lowered)}
    out: list[str] = []
    for group in _name_groups() if names_only else _groups():
        found = [lang for lang in _LANGS
                 if (any(f in english for f in group[lang]) if lang == "en"
                     else any(_present(f, lang, lowered) for f in group[lang]))]
        if not found:
            continue
        for lang in _LANGS:
            if lang not in found:
                out.extend(group[lang])
    return out
