"""Guided troubleshooting: a few safe steps a cashier can try, each followed by "did that fix
it?". When the last step fails, the conversation is handed to a person with what was tried.

Safety first: every guide was reviewed for steps that could make things worse; where a device
may be wet, dropped, hot or have a swollen battery, the first step says to stop and not power
it on or charge it, before any restart, and offers a button for exactly that case. When the
merchant's own words say the device is wet, dropped, smoking, hot or swollen (``HAZARD``), no
step is offered at all: the assistant says to switch it off and hands it to repair.

Vetted content, kept in code so it is translated with the rest of the interface; the steps come
from the common fixes the source articles describe (paper, print head, network and sign-in,
chip and contactless reading, power).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Words saying the device got wet, was dropped, smokes, is hot or has a swollen battery. After
# them no step is offered at all (no restart, no charging, no update): the device is switched
# off and goes to repair. "烟" alone is not one: 烟酒店 is a kind of shop.
HAZARD = re.compile(
    r"进过?水|泡水|浸水|淋雨|淋湿|湿了|洒[了到在]|泼[了到在]|掉水|掉进|摔|跌落|冒烟|烟味|焦味|烧焦|发烫|烫手"
    r"|过热|鼓包|\bwet\b|water|liquid|spill|\bdropped\b|\bfell\b|smok|burn|overheat|\bhot\b|swell|swollen"
)


@dataclass(frozen=True)
class Step:
    instruction: object  # a lazy translation
    tried: object  # how the step is listed under "already tried" on the ticket


GUIDES: dict[str, list[Step]] = {
    "printer_paper": [
        Step(
            _(
                "先检查打印纸：打开纸仓盖，确认有纸、纸卷没有用完；热敏纸光滑的一面要朝外（朝向打印头），"
                "拉出一小段纸后把仓盖用力压紧到“咔哒”一声。然后在菜单里选“重打印”试一下。"
            ),
            _("检查并重新装纸"),
        ),
        Step(
            _(
                "如果打出来是白纸或字很淡：请换一卷正规的 57mm 热敏纸（普通纸打不出字）；"
                "关机后用棉签蘸少量酒精轻擦打印头，晾干后再开机重打印。"
            ),
            _("换热敏纸并清洁打印头"),
        ),
        Step(
            _("长按电源键重启 POS 机，开机后签到，再重打印上一笔小票。"),
            _("重启并重打印"),
        ),
    ],
    "network_signin": [
        Step(
            _(
                "先看网络：4G 机型看屏幕上方信号格，Wi-Fi 机型确认连的是店里的 Wi-Fi 且手机能上网；"
                "可以把路由器断电 30 秒再开。"
            ),
            _("检查信号和路由器"),
        ),
        Step(
            _("长按电源键重启 POS 机，开机后在主菜单选“签到”，用操作员号登录后重新签到。"),
            _("重启并重新签到"),
        ),
        Step(
            _(
                "如果是 4G 机型：关机后取出 SIM 卡，擦一下金属触点再插紧；"
                "Wi-Fi 机型可以在设置里“忘记网络”后重新连接。"
            ),
            _("重插 SIM 卡或重连 Wi-Fi"),
        ),
    ],
    "card_read_error": [
        Step(
            _(
                "芯片卡请芯片朝上、插到底，交易完成前不要拔卡；磁条卡请磁条朝向机身、匀速一次刷过；"
                "闪付请把卡贴在感应区 2–3 秒不要移动。"
            ),
            _("按正确方式插卡/刷卡/挥卡"),
        ),
        Step(
            _(
                "换一张别的卡试一下：别的卡能用，说明是这张卡的问题，请顾客联系发卡行；"
                "所有卡都读不了，多半是读卡器的问题。用软布擦一下插卡口和卡片芯片。"
            ),
            _("换卡测试并清洁卡槽"),
        ),
        Step(
            _("长按电源键重启 POS 机，签到后再试一次。"),
            _("重启后重试"),
        ),
    ],
    "power_battery": [
        Step(
            _(
                "先看安全：电池鼓包、机身发烫或有焦味时，请不要充电也不要开机，"
                "点“进过水、摔过或发烫”我帮您报修。否则用原装充电器和数据线接上电源，"
                "充电 30 分钟后再开机；换一个插座，看充电指示灯是否亮起。"
            ),
            _("确认电池无鼓包发烫后用原装充电器充电 30 分钟"),
        ),
        Step(
            _("长按电源键 10 秒以上强制重启；如果能开机但很快关机，请保持插电使用。"),
            _("长按电源键强制重启"),
        ),
        Step(
            _("如果电池可拆卸：关机后取下电池，等 10 秒重新装好再开机。"),
            _("重新安装电池"),
        ),
    ],
    "device_fault": [
        Step(
            _(
                "先看安全：机器进过水、摔过、冒烟或发烫时，请立即关机并拔掉充电器，"
                "不要再充电或开机，也不要用吹风机烘干——这种情况需要维修，"
                "点“进过水、摔过或发烫”我帮您报修。"
                "如果都没有：长按电源键 10 秒强制重启，死机或花屏时重启后先签到，看是否恢复正常。"
            ),
            _("确认没有进水或摔落后强制重启"),
        ),
        Step(
            _("检查是否提示系统更新，按提示在插电、网络稳定时完成更新，更新过程中不要关机。"),
            _("完成系统更新"),
        ),
    ],
}

TROUBLESHOOTING_INTENTS = frozenset(GUIDES)
# Guides whose first step is the safety check: it offers a button for a device that is wet,
# dropped or hot, which goes to repair at once.
SAFETY_FIRST = frozenset({"device_fault", "power_battery"})

HAZARD_ADVICE = _(
    "请先不要开机，也不要充电：现在就关机（已经关机就保持关机），拔掉充电器；"
    "进过水的机器不要用吹风机烘干，也不要再试着开机。这种情况需要维修。"
)
HAZARD_TRIED = _("按智能助手提示关机断电，未再开机")


def names_hazard(text: str) -> bool:
    """The merchant's words say the device is wet, dropped, smoking, hot or swollen."""
    return bool(HAZARD.search(text.lower()))


def steps_for(topic: str) -> list[Step]:
    return GUIDES.get(topic, [])
