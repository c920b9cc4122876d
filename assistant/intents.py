"""The intents of ../shared/spec/intents.md with their labels (quick replies, dashboard), and
the desk category a hand-off of each intent goes to."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

INTENT_LABELS = {
    "txn_failed_code": _("交易失败并显示代码"),
    "txn_failed_generic": _("交易失败"),
    "card_read_error": _("读不了卡"),
    "network_signin": _("网络或签到问题"),
    "printer_paper": _("打印小票问题"),
    "power_battery": _("开不了机或电池问题"),
    "device_fault": _("机器故障"),
    "funds_not_arrived": _("钱没到账"),
    "settlement_rules": _("到账时间规则"),
    "txn_query": _("查询交易"),
    "refund_void": _("撤销与退货"),
    "duplicate_charge": _("重复扣款"),
    "fee_rate": _("费率与收费"),
    "account_frozen": _("商户或资金冻结"),
    "settlement_account_change": _("变更结算账户"),
    "verify_caller": _("核实来电或短信"),
    "too_many_calls": _("电话太多"),
    "hotline": _("官方客服电话"),
    "apply_pos": _("申请 POS 机"),
    "cancel_pos": _("注销或退还 POS 机"),
    "merchant_name_mismatch": _("小票商户名不对"),
    "how_to_operate": _("操作方法"),
    "outage_status": _("系统是否故障"),
    "repair_status": _("维修与工单进度"),
    "human_agent": _("转人工"),
    "complaint": _("投诉"),
    "greeting": _("问候"),
    "other": _("其他问题"),
}

INTENTS = tuple(INTENT_LABELS)

# The desk category a hand-off for this intent is filed under (desk.facts.CATEGORY_FACTS).
DESK_CATEGORY = {
    "txn_failed_code": "transaction_failure",
    "txn_failed_generic": "transaction_failure",
    "txn_query": "transaction_failure",
    "card_read_error": "card_reading",
    "network_signin": "network_signin",
    "printer_paper": "printer_paper",
    "power_battery": "power_battery",
    "device_fault": "device_fault",
    "funds_not_arrived": "funds_not_arrived",
    "settlement_rules": "funds_not_arrived",
    "refund_void": "refund_dispute",
    "duplicate_charge": "refund_dispute",
    "fee_rate": "fees",
    "account_frozen": "account_risk",
    "settlement_account_change": "account_risk",
    "complaint": "complaint",
    "too_many_calls": "outreach_complaint",
    "verify_caller": "outreach_complaint",
}


def intent_label(intent: str) -> str:
    return str(INTENT_LABELS.get(intent, intent))


def desk_category(intent: str | None) -> str:
    return DESK_CATEGORY.get(intent or "", "other")
