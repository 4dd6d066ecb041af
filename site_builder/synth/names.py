"""Names for a generated district or city: units with ASCII ids, people and their posts.

A district of about 124 units mirrors the sample's mix (streets, towns, bureaus,
schools, hospitals, companies, communities and centres). Larger sizes are several
districts of a city; each unit's name then starts with its district's name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from site_builder.demo.scenario import GIVEN, SURNAMES

DISTRICT_SIZE = 124

# (name, ASCII abbreviation): the districts of a fictional city.
DISTRICTS = [
    ("东城区", "dc"), ("西城区", "xc"), ("南湖区", "nh"), ("北塘区", "bt"), ("滨河区", "bh"),
    ("临江区", "lj"), ("青山区", "qs"), ("白云区", "by"), ("金水区", "js"), ("龙湖区", "lh"),
    ("凤台区", "ft"), ("长宁区", "cn"), ("安平区", "ap"), ("兴华区", "xh"), ("新城区", "xq"),
    ("高新区", "gx"), ("云岭区", "yl"), ("明德区", "md"), ("泰和区", "th"), ("康乐区", "kl"),
]  # fmt: skip

# Places for streets, towns, communities and villages.
PLACES = [
    ("东关", "dg"), ("西门", "xm"), ("南桥", "nq"), ("北苑", "by"), ("中山", "zs"),
    ("新华", "xh"), ("平安", "pa"), ("长兴", "cx"), ("金桥", "jq"), ("青云", "qy"),
    ("白塔", "bt"), ("红旗", "hq"), ("光明", "gm"), ("和平", "hp"), ("文昌", "wc"),
    ("龙泉", "lq"), ("凤鸣", "fm"), ("星火", "xh"), ("安宁", "an"), ("富民", "fm"),
    ("柳林", "ll"), ("杨庄", "yz"), ("马坊", "mf"), ("高堡", "gb"), ("石桥", "sq"),
    ("河湾", "hw"), ("松岗", "sg"), ("枣园", "zy"), ("桃源", "ty"), ("李家营", "ljy"),
    ("王家堡", "wjb"), ("张村", "zc"), ("孙庄", "sz"), ("梨花", "lh"), ("书院", "sy"),
    ("育才", "yc"), ("朝阳", "cy"), ("建设", "js"), ("胜利", "sl"), ("解放", "jf"),
]  # fmt: skip

# (name after the district prefix, abbreviation, party organisation).
BUREAUS = [
    ("教育局", "jyj", "党委"), ("民政局", "mzj", "党组"), ("财政局", "czj", "党组"),
    ("人力资源和社会保障局", "rsj", "党组"), ("住房和城乡建设管理局", "zjj", "党组"),
    ("农业农村局", "nyj", "党组"), ("市场监督管理局", "scj", "党组"),
    ("城市管理局", "cgj", "党组"), ("水务局", "swj", "党组"), ("商务局", "shwj", "党组"),
    ("文化和旅游局", "wlj", "党组"), ("统计局", "tjj", "党组"), ("审计局", "sjj", "党组"),
    ("司法局", "sfj", "党组"), ("应急管理局", "yjj", "党组"), ("医疗保障局", "ybj", "党组"),
    ("退役军人事务局", "tyjrj", "党组"), ("科学技术局", "kjj", "党组"),
    ("发展和改革局", "fgj", "党组"), ("工业和信息化局", "gxj", "党组"),
    ("交通运输局", "jtj", "党组"), ("体育局", "tyj", "党组"), ("信访局", "xfj", "党组"),
    ("行政审批服务管理局", "spj", "党组"), ("机关事务管理局", "jgswj", "党支部"),
    ("卫生健康局", "wjj", "党组"), ("总工会", "zgh", "党组"), ("妇联", "fl", "党组"),
    ("残联", "cl", "党组"), ("科协", "kx", "党组"), ("工商联", "gsl", "党组"),
    ("红十字会", "hszh", "党支部"), ("供销合作社联合社", "gxs", "党委"),
    ("融媒体中心", "rmt", "党支部"), ("公共资源交易中心", "ggzy", "党支部"),
    ("档案馆", "daj", "党支部"), ("人民防空办公室", "rfb", "党支部"),
    ("自然资源局", "zrj", "党组"), ("生态环境局", "hbj", "党组"), ("林业局", "lyj", "党组"),
    ("粮食和物资储备局", "lsj", "党组"), ("地方金融监督管理局", "jrj", "党组"),
    ("乡村振兴局", "xcj", "党组"), ("委宣传部机关", "xcb", "党支部"),
    ("委统战部机关", "tzb", "党支部"), ("委政法委机关", "zfw", "党支部"),
    ("委党校", "dx", "党支部"),
]  # fmt: skip
CENTRES = [
    ("环境卫生服务中心", "hwzx"), ("社会保险中心", "sbzx"), ("就业服务中心", "jyzx"),
    ("城市管理综合行政执法大队", "zfdd"), ("园林绿化服务中心", "ylzx"),
    ("农业技术推广中心", "njzx"), ("疾病预防控制中心", "jkzx"), ("人大常委会机关", "rd"),
    ("政协机关", "zx"), ("不动产登记中心", "bdczx"), ("住房保障服务中心", "zbzx"),
    ("水利工程管理站", "slz"), ("动物疫病预防控制中心", "dyzx"), ("市政设施管护中心", "szzx"),
]  # fmt: skip
SCHOOLS = [
    ("第一中学", "yz"), ("第二中学", "ez"), ("第三中学", "sz"), ("第四中学", "siz"),
    ("第五中学", "wz"), ("实验小学", "syxx"), ("职业中学", "zyzx"), ("特殊教育学校", "tjxx"),
    ("第一幼儿园", "yey"), ("教师进修学校", "jxxx"), ("实验中学", "syzx"),
    ("第二小学", "exx"), ("第三小学", "sxx"), ("第四小学", "sixx"), ("外国语学校", "wgy"),
    ("第六中学", "lz"), ("第二幼儿园", "eyey"),
]  # fmt: skip
HOSPITALS = [
    ("人民医院", "rmyy", "党委"), ("中医医院", "zyyy", "党总支"), ("妇幼保健院", "fybj", "党支部"),
    ("第二人民医院", "eyy", "党委"), ("精神卫生中心", "jwzx", "党支部"),
    ("口腔医院", "kqyy", "党支部"), ("康复医院", "kfyy", "党支部"),
]  # fmt: skip
COMPANIES = [
    ("城市建设投资有限公司", "ctgs"), ("国有资产经营有限公司", "gzgs"), ("供水有限公司", "gsgs"),
    ("市政工程有限公司", "szgs"), ("农业发展投资有限公司", "nfgs"), ("粮食购销有限公司", "lsgs"),
    ("文化旅游发展有限公司", "wlgs"), ("物业管理有限公司", "wygs"), ("热力有限公司", "rlgs"),
]  # fmt: skip

# A district's mix, as in the sample: kind -> how many of 124.
MIX = [("street", 8), ("town", 3), ("bureau", 47), ("other", 14), ("school", 17),
       ("hospital", 7), ("enterprise", 9), ("community", 19)]  # fmt: skip

LEADER_POSTS = {
    "street": ["党工委书记", "办事处主任", "党工委副书记"],
    "town": ["党委书记", "镇长", "党委副书记"],
    "bureau": ["党组书记、局长", "党组成员、副局长", "机关党委书记"],
    "other": ["党支部书记、主任", "副主任"],
    "school": ["党支部书记、校长", "副校长"],
    "hospital": ["党委书记", "院长", "副院长"],
    "enterprise": ["党支部书记、董事长", "总经理"],
    "community": ["党委书记、居委会主任", "党委副书记"],
}
OWNER_POSTS = {
    "street": ["党建办主任", "综合办主任", "财政所所长", "民政办主任", "城建办主任"],
    "town": ["党政办主任", "财政所所长", "农业综合服务中心主任", "社会事务办主任"],
    "bureau": ["办公室主任", "财务科科长", "人事科科长", "机关党委专职副书记", "法规科科长"],
    "other": ["综合科科长", "财务科科长", "办公室主任"],
    "school": ["总务处主任", "办公室主任", "教务处主任"],
    "hospital": ["财务科科长", "医务科科长", "院办主任", "设备科科长"],
    "enterprise": ["财务部经理", "综合部经理", "工程部经理"],
    "community": ["社区专职工作者", "居委会委员", "党委委员"],
}
MORE_GIVEN = ["志强", "丽华", "建军", "晓燕", "文斌", "春花", "国庆", "亚楠", "卫国", "秀兰",
              "海波", "淑珍", "明辉", "雪梅", "保国", "桂英"]  # fmt: skip
GIVEN_NAMES = [*GIVEN, *MORE_GIVEN]


@dataclass(frozen=True)
class UnitSpec:
    id: str
    name: str
    kind: str
    district: int  # index of its district, for grouping reviewers


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def with_post(rng: random.Random, posts: list[str]) -> str:
    return f"{person(rng)}（{rng.choice(posts)}）"


def district_name(index: int, count: int) -> tuple[str, str]:
    """The district's name and id prefix; a lone district needs no prefix."""
    name, abbr = DISTRICTS[index % len(DISTRICTS)]
    if index >= len(DISTRICTS):  # beyond the list: 东城二区 …
        name, abbr = (
            f"{name[:-1]}{index // len(DISTRICTS) + 1}区",
            f"{abbr}{index // len(DISTRICTS) + 1}",
        )
    return (name, abbr) if count > 1 else ("区", "")


def _district_units(rng: random.Random, prefix: str) -> list[tuple[str, str, str]]:
    """(stem id, name, kind) for one district's 124 units, in a shuffled but fixed order."""
    places = rng.sample(PLACES, 22)
    streets, towns, villages = places[:8], places[8:11], places[11:22]
    units: list[tuple[str, str, str]] = []
    homes: list[tuple[str, str, str]] = []  # (name with its suffix, abbreviation, 社区 or 村)
    for name, abbr in streets:
        units.append((f"{abbr}jd", f"{name}街道党工委", "street"))
        homes.append((f"{name}街道", abbr, "社区"))
    for i, (name, abbr) in enumerate(towns):
        town, letter = ("镇", "z") if i % 2 == 0 else ("乡", "x")
        units.append((f"{abbr}{letter}", f"{name}{town}党委", "town"))
        homes.append((f"{name}{town}", abbr, "村"))
    for name, abbr, org in BUREAUS:
        units.append((abbr, f"{prefix}{name}{org}", "bureau"))
    for name, abbr in CENTRES:
        units.append((abbr, f"{prefix}{name}党支部", "other"))
    for name, abbr in SCHOOLS:
        units.append((abbr, f"{prefix}{name}党支部", "school"))
    for name, abbr, org in HOSPITALS:
        units.append((abbr, f"{prefix}{name}{org}", "hospital"))
    for name, abbr in COMPANIES:
        units.append((abbr, f"{prefix}{name}党支部", "enterprise"))
    for i, (name, abbr) in enumerate(villages + rng.sample(PLACES, 8)):
        home, home_abbr, place = homes[i % len(homes)]
        letters = "sq" if place == "社区" else "c"
        units.append((f"{home_abbr}{abbr}{letters}", f"{home}{name}{place}党支部", "community"))
    rng.shuffle(units)
    return units


def unit_registry(count: int, seed: int) -> list[UnitSpec]:
    """``count`` units: whole districts of 124, the last one partial."""
    districts = max(1, -(-count // DISTRICT_SIZE))
    specs: list[UnitSpec] = []
    seen: set[str] = set()
    for index in range(districts):
        rng = random.Random(f"{seed}:district:{index}")
        name, abbr = district_name(index, districts)
        for stem, unit_name, kind in _district_units(rng, name):
            if len(specs) == count:
                break
            unit_id = f"{abbr}-{stem}" if abbr else stem
            base, n = unit_id, 2
            while unit_id in seen:  # two places with the same initials
                unit_id, n = f"{base}{n}", n + 1
            seen.add(unit_id)
            full = (
                unit_name if name == "区" or unit_name.startswith(name[:-1]) else name + unit_name
            )
            specs.append(UnitSpec(unit_id, full, kind, index))
    return specs
