"""Administrative division codes (GB/T 2260): the province prefixes and the districts the demo
uses. A merchant's region is a 6-digit code; its first two digits must be a province."""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}

PROVINCES_EN: dict[str, str] = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macao",
}

# District code -> (city, district). Enough for the demo fleet and for readable pages.
DISTRICTS: dict[str, tuple[str, str]] = {
    "110101": ("北京市", "东城区"),
    "110105": ("北京市", "朝阳区"),
    "110108": ("北京市", "海淀区"),
    "310101": ("上海市", "黄浦区"),
    "310104": ("上海市", "徐汇区"),
    "310115": ("上海市", "浦东新区"),
    "440104": ("广州市", "越秀区"),
    "440106": ("广州市", "天河区"),
    "440304": ("深圳市", "福田区"),
    "440305": ("深圳市", "南山区"),
    "330102": ("杭州市", "上城区"),
    "330106": ("杭州市", "西湖区"),
    "320102": ("南京市", "玄武区"),
    "320508": ("苏州市", "姑苏区"),
    "510104": ("成都市", "锦江区"),
    "510107": ("成都市", "武侯区"),
    "420106": ("武汉市", "武昌区"),
    "420103": ("武汉市", "江汉区"),
    "500103": ("重庆市", "渝中区"),
    "610113": ("西安市", "雁塔区"),
}


DISTRICTS_EN: dict[str, tuple[str, str]] = {
    "110101": ("Beijing", "Dongcheng"),
    "110105": ("Beijing", "Chaoyang"),
    "110108": ("Beijing", "Haidian"),
    "310101": ("Shanghai", "Huangpu"),
    "310104": ("Shanghai", "Xuhui"),
    "310115": ("Shanghai", "Pudong"),
    "440104": ("Guangzhou", "Yuexiu"),
    "440106": ("Guangzhou", "Tianhe"),
    "440304": ("Shenzhen", "Futian"),
    "440305": ("Shenzhen", "Nanshan"),
    "330102": ("Hangzhou", "Shangcheng"),
    "330106": ("Hangzhou", "Xihu"),
    "320102": ("Nanjing", "Xuanwu"),
    "320508": ("Suzhou", "Gusu"),
    "510104": ("Chengdu", "Jinjiang"),
    "510107": ("Chengdu", "Wuhou"),
    "420106": ("Wuhan", "Wuchang"),
    "420103": ("Wuhan", "Jianghan"),
    "500103": ("Chongqing", "Yuzhong"),
    "610113": ("Xi'an", "Yanta"),
}


def is_valid_region(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and code[:2] in PROVINCES


def region_label(code: str, language: str = "zh-hans") -> str:
    if language == "en":
        province = PROVINCES_EN.get(code[:2], "")
        city, district = DISTRICTS_EN.get(code, ("", ""))
        if city == province:
            city = ""
        return ", ".join(part for part in (district, city, province) if part) or code
    province = PROVINCES.get(code[:2], "")
    city, district = DISTRICTS.get(code, ("", ""))
    if city == province:
        city = ""
    return "".join(part for part in (province, city, district) if part) or code


# Merchant category codes (ISO 18245) common on Chinese POS terminals.
MCC_NAMES: dict[str, str] = {
    "5411": "超市",
    "5499": "便利店",
    "5812": "餐馆",
    "5814": "快餐",
    "5912": "药店",
    "5311": "百货商店",
    "5651": "服装店",
    "5732": "电子产品",
    "5941": "体育用品",
    "5992": "花店",
    "7011": "酒店",
    "7230": "美容美发",
    "5541": "加油站",
    "8062": "医院",
    "5462": "面包店",
    "5422": "生鲜肉类",
    "5945": "玩具店",
    "7832": "电影院",
}

MCC_NAMES_EN: dict[str, str] = {
    "5411": "Supermarket",
    "5499": "Convenience store",
    "5812": "Restaurant",
    "5814": "Fast food",
    "5912": "Pharmacy",
    "5311": "Department store",
    "5651": "Clothing",
    "5732": "Electronics",
    "5941": "Sporting goods",
    "5992": "Florist",
    "7011": "Hotel",
    "7230": "Beauty and hair",
    "5541": "Service station",
    "8062": "Hospital",
    "5462": "Bakery",
    "5422": "Fresh meat and produce",
    "5945": "Toy store",
    "7832": "Cinema",
}


def mcc_label(mcc: str, language: str = "zh-hans") -> str:
    names = MCC_NAMES_EN if language == "en" else MCC_NAMES
    return f"{mcc} {names.get(mcc, '')}".strip()
