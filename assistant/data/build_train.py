"""Build assistant/data/train.jsonl: hand-written merchant messages plus templated variants.

Run from the repository root:  python assistant/data/build_train.py
The output is deterministic (fixed seed, sorted rows) and committed; edit the lists below and
re-run to change the training data. The evaluation set (eval.jsonl) is written separately and
must never be generated from this file.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from opencc import OpenCC

SEED = 20240611
TARGET_PER_INTENT = 130
OUTPUT = Path(__file__).with_name("train.jsonl")

SLOTS: dict[str, list[str]] = {
    "pos": ["pos机", "POS机", "机器", "刷卡机", "poss机", "po机", "POS機", "收款机", "机子", "pos",
            "终端", "pos机器", "刷卡器", "大pos", "智能pos", "这台机", "我的pos"],
    "code": ["51", "55", "05", "96", "A0", "14", "61", "03", "58", "94", "12", "41", "54", "75",
             "91", "98", "99", "A7", "22", "25", "30", "57", "65", "68", "97", "01", "04", "77"],
    "code_label": ["显示", "提示", "报", "出现", "代码", "返回码", "错误码", "应答码", "显示错误",
                   "报错", "跳出"],
    "amount": ["1280元", "50块", "三百块", "2000", "1,280.50", "99.8元", "5000块", "一千二", "680元",
               "12800", "两千块", "88元", "3万", "450.00", "1500块钱", "200"],
    "when": ["昨天", "今天上午", "刚才", "前天", "上周五", "昨天下午三点", "今早", "10月1日",
             "周一", "早上9点", "中午", "昨晚", "3号", "上个月28号", "今天下午2点半", "刚刚"],
    "bank": ["银联", "银行", "工行", "建行", "银联商务", "拉卡拉", "农行", "招行", "服务商",
             "你们公司", "支付公司", "中国银行"],
    "card": ["信用卡", "储蓄卡", "借记卡", "银行卡", "卡", "客人的卡", "顾客的卡", "芯片卡",
             "磁条卡", "外地卡"],
    "please": ["", "", "", "请问", "你好，", "您好 ", "急！", "在吗，", "麻烦问下", "老板问下",
               "客服，", "hello ", "问一下"],
    "tail": ["", "", "", "", "怎么办", "咋整", "怎么回事", "？", "啊", "急", "，帮我看看",
             "，怎么解决", "呢", "是什么原因", "!!", "。"],
}

HAND: dict[str, list[str]] = {
    "txn_failed_code": [
        "刷卡显示51", "POS机显示交易失败51", "刷卡提示55是什么意思", "显示代码A0怎么办",
        "返回码05是啥意思", "error 05 on the pos", "提示交易失败 96", "刷信用卡报51余额不足",
        "客人刷卡出现错误码14", "交易失败 返回码96 系统异常", "显示61超出金额限制怎么处理",
        "POS機顯示交易失敗51", "刷卡一直报A0 MAC校验错", "顾客的卡刷了显示05不予承兑",
        "显示“03 无效商户”是怎么回事", "pos显示58 不允许终端进行的交易", "刷卡报94重复交易",
        "密码输对了还提示55", "刷卡显示12无效交易", "机器提示41 挂失卡，要没收吗",
        "显示54过期卡", "显示75 密码次数超限", "交易失败，应答码91", "消费报错98",
        "显示99 PIN格式错", "刷卡跳出A7安全处理失败", "code 51 insufficient funds what now",
        "pos says declined code 55", "the terminal shows error 96", "response code 14 invalid card",
        "显示余额不足", "刷卡提示密码错误", "提示查发卡行", "显示无效商户怎么回事",
        "提示该卡已过期", "提示超过金额限制刷不了", "提示mac校验错", "交易失败 显示找不到原始交易",
        "显示发卡行响应超时", "提示批次号不一致77", "报22 故障怀疑", "刷卡显示65超出消费次数",
        "pos机报错 57 不允许持卡人进行的交易", "A0是什么错误", "51是什么意思",
        "顾客刷了三次都是51", "显示交易失败 96 请稍后重试", "代码 04 没收卡 怎么办",
        "显示97终端号找不到", "POS显示：交易失败[51]", "显示错误代码：A0 请重新签到",
        "刷卡后屏幕上显示 05", "出现30报文格式错误", "刷闪付提示51", "收款时报错61 限额",
    ],
    "txn_failed_generic": [
        "刷卡失败", "交易失败了怎么办", "pos机刷不了卡", "客人刷卡一直不成功", "付款不成功",
        "收款失败", "刷了好几次都失败", "刷卡交易不成功，也没显示什么", "顾客付不了钱",
        "交易一直失败", "刷卡刷不过去", "钱收不了", "刷卡总是失败是什么原因", "poss机交易失败",
        "交易没成功但是客人说扣钱了吗", "刷卡的时候显示交易失败", "消费交易失败",
        "transaction failed on my pos", "card payment not going through", "payment declined again",
        "刷卡不成功，没有提示码", "刷信用卡失败", "储蓄卡刷不了", "今天的交易都失败",
        "收不了款了", "刷卡交易被拒绝", "大额刷不了", "外地卡刷不了", "刷卡失败请重试",
        "交易失败 请联系收单行", "顾客刷卡失败走了", "刷卡付款总是提示失败",
        "POS機交易失敗", "刷卡交易失败没有代码", "pos机收款不成功", "付款一直提示失败",
        "客人的卡就是刷不过", "交易被拒了", "卡刷不出去", "所有卡都刷不了",
        "刷卡的时候屏幕提示交易失败，然后就退出了", "扫码刷卡都失败",
    ],
    "card_read_error": [
        "读卡失败", "芯片卡读不了", "插卡没反应", "刷卡提示请插卡", "磁条刷不出来",
        "闪付没反应", "挥卡没有反应", "卡插进去提示读卡错误", "刷卡机读不了卡",
        "提示ic卡读卡失败", "刷磁条一直提示重新刷卡", "nfc感应不到", "非接读卡失败",
        "芯片卡插进去显示卡片无法识别", "card cannot be read", "chip card not reading",
        "contactless not working", "swipe doesn't read the card", "读卡器坏了",
        "提示请使用芯片", "刷卡没反应", "卡片识别不了", "插卡提示读卡错误请重试",
        "磁条卡刷了没反应", "放卡在上面没反应闪付用不了", "碰一碰付款没反应",
        "插卡口好像坏了", "刷卡槽没反应", "降级交易不允许 请插卡", "IC卡读不到",
        "读卡错误", "POS機讀卡失敗", "卡插不进去", "提示卡片异常", "读不出卡号",
        "所有芯片卡都显示读卡错误", "信用卡插卡读不了", "刷卡提示无法读取卡片",
        "闪付感应区没反应", "挥卡提示请插卡或刷卡",
    ],
    "network_signin": [
        "签到失败", "pos机连不上网", "提示通讯失败", "连接超时", "网络连接失败",
        "显示无信号", "签到不成功", "提示请先签到但是签不上", "wifi连不上",
        "流量卡没信号", "显示网络异常", "交易超时", "连接主机失败", "提示拨号失败",
        "cannot connect to network", "sign in failed", "network error on pos",
        "pos says no connection", "连接服务器失败", "一直显示正在连接", "4g信号没有",
        "sim卡无服务", "提示网络未连接", "签到显示通讯超时", "网络不稳定老掉线",
        "机器连不上wifi", "pos机没网了", "提示连接中心失败", "发送失败请检查网络",
        "接收超时", "签到一直转圈", "POS機連不上網絡", "网络信号差刷卡很慢",
        "提示无法连接服务器", "机器显示没有sim卡", "签到报通讯错误", "socket连接失败",
        "提示dns解析失败", "一直提示重新签到签不上", "网络故障刷不了",
    ],
    "printer_paper": [
        "打印不出小票", "小票打不出来", "打印空白", "打印字迹很淡", "怎么装打印纸",
        "缺纸", "提示打印机缺纸", "小票是白的", "打印纸卡住了", "打印机不工作",
        "receipt not printing", "printer prints blank paper", "how to load paper roll",
        "打印的字看不清", "打印机过热", "小票只打一联", "不出签购单", "签购单打印不了",
        "打印纸用完了去哪买", "小票打出来一半", "打印头脏了", "打印很慢",
        "纸装反了打出来空白", "换了纸还是不打印", "小票模糊", "打印机卡纸",
        "POS機打印不出小票", "打印机没反应", "出纸口卡住", "打印有竖线",
        "打印纸什么规格", "小票字太淡了看不清", "提示纸仓盖未关", "打印出来全是乱码",
        "不打印凭条", "热敏纸装哪面", "小票打不全", "打印失败请检查打印机",
        "交易成功了但没出小票", "打印纸怎么换",
    ],
    "power_battery": [
        "开不了机", "pos机开不开机", "电池不耐用", "充不进电", "充电没反应",
        "按开机键没反应", "电池鼓包了", "一会就没电", "自动关机", "电量掉得很快",
        "won't power on", "battery drains fast", "not charging", "pos is dead won't turn on",
        "插着充电器也开不了机", "充电指示灯不亮", "电池坏了", "充电器坏了哪里买",
        "机器没电了怎么充", "黑屏开不了机", "长按电源键也没用", "低电量提示一直闪",
        "充了一晚上还是没电", "POS機開不了機", "电池显示一格就关机", "开机一下就灭了",
        "机器不通电", "充电口松了", "换电池多少钱", "开机卡在logo然后关机",
        "pos机没电了", "电池充不满", "用了两个小时就没电了", "充电很烫",
        "开机没有反应屏幕不亮", "电源键按了没用", "机子打不开",
    ],
    "device_fault": [
        "pos机死机了", "一直重启", "屏幕碎了", "按键失灵", "屏幕没反应", "触摸屏不灵",
        "机器进水了", "摔了一下就坏了", "屏幕花屏", "卡在开机画面", "机器很卡",
        "frozen screen", "keeps rebooting", "keypad not working", "dropped the pos and it broke",
        "pos got wet", "屏幕黑了但是有声音", "数字键按不动", "确认键坏了", "屏幕有条纹",
        "机器发烫", "系统崩溃了", "程序闪退", "一直显示系统错误", "机器被摔坏了",
        "键盘进水了", "屏幕显示不全", "POS機死機", "机器突然不动了", "触屏乱跳",
        "屏幕太暗看不清", "喇叭没声音", "机器外壳裂了", "卡死了按什么都没用",
        "提示系统异常请联系管理员", "升级后开不了应用", "机器有异响", "屏幕失灵乱点",
        "机子死机", "机器坏了要修",
    ],
    "funds_not_arrived": [
        "钱没到账", "昨天刷的钱还没到账", "1280元没到账", "昨天下午3点刷的1280元还没到账",
        "今天的款还没到", "上周五的钱到现在都没到", "结算款没收到", "刷卡的钱去哪了",
        "money hasn't arrived in my account", "settlement not received", "where is my money from yesterday",
        "钱一直没到银行卡", "到账了吗我的钱", "前天的交易款还没到账", "三天了钱还没到",
        "刷了5000块一直没到卡上", "节后钱还没到账", "说好t+1怎么还没到", "昨天营业款没到账",
        "钱刷出去了没到账", "银行卡没收到结算款", "资金未到账", "款项一直没下来",
        "到账金额为0", "今天没有入账", "钱怎么还没到我卡里", "10月1日的钱没到",
        "上个月28号的款到现在没收到", "秒到的没秒到", "D0的钱没到", "钱没有结算过来",
        "交易成功了钱没到", "没收到昨天的钱", "收款了但是银行卡里没钱", "到账延迟了",
        "周末刷的钱周一还没到", "钱没到 急用", "我的钱呢", "刷卡的款没进账户",
    ],
    "settlement_rules": [
        "多久到账", "什么时候到账", "t+1是什么意思", "周末能到账吗", "节假日到账吗",
        "d0和t1有什么区别", "几点前刷卡当天到账", "到账时间是怎么规定的", "国庆期间怎么结算",
        "when will I get paid", "what does T+1 mean", "do you settle on weekends",
        "结算周期是多久", "秒到是什么", "刷卡后多长时间到账", "周六刷的什么时候到",
        "春节期间钱什么时候到", "到账规则", "一般几点到账", "截止时间是几点",
        "D+0到账有额度限制吗", "T0怎么开通", "怎么才能当天到账", "晚上刷卡第二天能到吗",
        "节假日刷卡会延迟到账吗", "五一放假钱几号到", "什么叫D+1", "到账是实时的吗",
        "每天几点结算", "结算时间", "T+1遇到周末怎么算", "是不是工作日才到账",
        "隔天到账吗", "刷卡钱第二天几点到", "S0秒到有什么限制",
    ],
    "txn_query": [
        "查一下今天的交易", "帮我查一笔交易", "刚才那笔成功了吗", "查交易记录",
        "今天刷了多少钱", "参考号123456789012这笔成功没", "查询流水号001234",
        "look up a transaction", "did the last payment go through", "show today's transactions",
        "怎么查交易明细", "刚刚1280那笔有没有成功", "这笔交易到底成功没有", "查一下昨天的流水",
        "我想看看今天的收款记录", "客人说扣钱了小票没出，成功了吗", "凭证号000321查一下",
        "帮我看下这笔钱收到没", "昨天一共刷了几笔", "交易明细在哪看", "查一下上周五的交易",
        "这个月的交易汇总", "查下参考号", "查一下这笔500元的状态", "不知道交易成没成功",
        "帮我对一下账", "交易记录怎么导出", "今天营业额多少", "查询余额", "查看历史交易",
        "上午10点那笔交易结果", "交易状态查询", "我要查流水", "核对一下今天的交易",
        "这笔是成功还是失败", "帮我查下今天的账",
    ],
    "refund_void": [
        "怎么撤销交易", "怎么退款", "刷错了怎么退", "多刷了一笔要撤销", "退货怎么操作",
        "冲正是什么意思", "隔天还能撤销吗", "how to void a transaction", "how do I refund a customer",
        "what is a reversal", "撤销和退货有什么区别", "客人要退钱怎么弄", "金额输错了怎么取消",
        "刚才刷错金额了", "当天交易怎么撤销", "退货要多久到客人卡上", "预授权怎么撤销",
        "部分退款可以吗", "退款失败", "撤销需要主管密码吗", "冲正了钱会退回吗",
        "显示冲正成功是什么意思", "客户退货钱怎么退回去", "刷多了500块怎么退",
        "撤销交易要小票吗", "昨天的交易怎么退", "退款到哪里", "怎么做退货交易",
        "交易取消", "刷了1280应该是128 怎么撤回", "撤销失败怎么办", "退款要手续费吗",
        "自动冲正了是扣钱了吗", "消费撤销怎么弄",
    ],
    "duplicate_charge": [
        "扣了两次钱", "重复扣款", "客人卡被扣了两次", "刷一次扣了两笔", "同一笔交易扣了两次",
        "charged twice", "double charge on customer's card", "duplicate transaction",
        "顾客说被扣了两次钱", "一笔交易出现两条扣款", "重复交易了怎么退", "多扣了一次",
        "客人短信收到两次扣款", "刷了一次卡扣了两次1280", "失败了又刷了一次结果两笔都扣了",
        "第一次显示失败第二次成功但扣了两次", "重复收款了", "一单收了两次钱",
        "顾客账单上有两笔一样的", "同一张卡连扣两次", "重复刷卡扣费", "扣费两次怎么处理",
        "客人投诉扣了两遍", "我这边只收到一笔客人扣了两笔", "重复扣费多久退回",
        "刚才重复扣了客户的钱", "重複扣款", "扣了两次款客人很生气", "交易重复了",
        "刷卡扣款两次",
    ],
    "fee_rate": [
        "费率多少", "手续费怎么算", "为什么到账少了", "押金能退吗", "流量费是什么",
        "怎么扣了99", "刷1000到账994", "费率是不是涨了", "what's the fee rate",
        "why did I receive less than I charged", "is the deposit refundable", "sim card fee",
        "服务费是什么", "年费多少", "信用卡费率和储蓄卡一样吗", "0.6的费率正常吗",
        "扣了我一笔服务费", "为啥莫名其妙扣钱", "押金299什么时候退", "激活要交押金吗",
        "手续费太高了", "到账金额不对少了几块", "每笔交易收多少手续费", "流量卡年费多少",
        "费率从0.38变成0.6了", "d0要加手续费吗", "秒到手续费", "机具费", "会员费是什么",
        "怎么扣了我36元", "扣款明细里有服务费", "为什么少到账", "手续费千分之六",
        "费率怎么这么高", "查一下我的费率",
    ],
    "account_frozen": [
        "账户被冻结了", "资金冻结", "商户被冻结", "风控了", "交易受限", "钱被冻结了怎么解冻",
        "my account is frozen", "funds on hold", "merchant suspended", "risk control blocked my account",
        "结算被暂停", "提示商户状态异常", "收到短信说商户被风控", "为什么冻结我的钱",
        "被风控了怎么办", "款被延迟结算说是风控", "怎么解冻", "商户被关停了",
        "交易被限制了", "单笔限额被调低", "突然不能收款说被冻结", "提示商户已冻结",
        "资金被止付", "账户异常冻结", "冻结了要多久", "风控调单要什么资料",
        "被调单了", "商户暂停交易", "账户被限制", "钱被扣押了",
    ],
    "settlement_account_change": [
        "怎么换结算卡", "我要改结算账户", "换收款银行卡", "结算卡丢了要换",
        "change settlement bank account", "update my payout card", "我想把钱结算到另一张卡",
        "变更结算卡", "银行卡注销了要换一张", "改成对公账户结算", "结算账户怎么修改",
        "换到账的银行卡", "换卡需要什么资料", "结算人可以改吗", "收款卡换成建行的",
        "怎么绑定新的银行卡", "结算卡换成别人的可以吗", "修改到账卡", "换结算卡要多久生效",
        "收款账户换了", "把对私改对公", "到账卡号要改", "结算卡被冻结了想换卡",
        "更换收款账户", "我换银行卡了怎么改", "结算银行卡变更", "更改结算信息",
        "修改绑定银行卡", "要换个卡收钱", "更换结算账户流程",
    ],
    "verify_caller": [
        "有人打电话说是银联的", "有人打电话说是银联的，要我提供验证码",
        "收到短信说pos机要升级", "这个电话是你们打的吗", "自称客服让我下载app",
        "someone called claiming to be unionpay", "is this number really the bank",
        "got a text saying my terminal will be shut down", "说我的费率要调整让我加微信",
        "陌生电话说我的pos机要年审", "有人说是服务商要我报验证码", "这个号码是官方的吗",
        "95516打来的是真的吗", "自称银行的人要我的卡号", "说pos机要升级让我点链接",
        "收到短信说降费率", "有人冒充客服", "电话里让我转账激活", "说机器违规要注销",
        "是不是诈骗电话", "客服让我提供密码正常吗", "有个0755的电话说是拉卡拉的",
        "打电话说我商户异常要认证", "让我扫码更新机器", "说要换新机要交钱",
        "有人加我微信说是客服", "说是银联商务的要上门换机", "短信链接让我填银行卡",
        "这个电话13812345678是你们的吗", "有人打电话问我要验证码123456",
        "说我的pos要升级二代机", "收到一个奇怪的电话", "骗子电话吗",
    ],
    "too_many_calls": [
        "别再给我打电话了", "你们天天打电话烦不烦", "一天打好几个电话", "不要再打了",
        "stop calling me", "too many calls from you", "please don't call me again",
        "能不能少打点电话", "我不需要推销", "老是打电话推荐贷款", "把我号码删了",
        "营销电话太多了", "一直打电话骚扰", "以后不要联系我", "打电话太频繁了",
        "每天都有人打电话回访", "上班时间别打电话", "能不能只发短信别打电话",
        "一周打了五次电话", "电话骚扰", "取消电话回访", "我已经说了不要了还打",
        "晚上还打电话", "电话太多影响做生意", "别打了行不行", "拒绝营销电话",
        "把我加入免打扰", "不要再打电话推销了", "能不能晚上别打", "一天三个电话烦死了",
    ],
    "hotline": [
        "客服电话多少", "银联电话是多少", "你们热线多少", "人工电话", "工行pos客服电话",
        "what's the hotline number", "customer service phone number", "unionpay phone number",
        "拉卡拉客服电话", "银联商务客服", "建行pos机电话", "24小时客服电话",
        "有没有客服热线", "报修电话", "官方电话是多少", "打哪个电话", "投诉电话多少",
        "客服号码给一个", "400电话是多少", "联系方式", "怎么联系你们", "客服几点上班",
        "夜里有客服吗", "农行客服电话", "95516是银联的吗", "服务电话",
        "有电话能打吗", "给我个电话", "客服热线是几号", "售后电话",
    ],
    "apply_pos": [
        "我想办pos机", "怎么申请pos机", "个人可以办pos机吗", "办pos机需要什么资料",
        "how to apply for a pos", "can individuals get a card terminal", "I want a card machine",
        "开通刷卡业务", "办理刷卡机", "我要装个pos", "新店要一台刷卡机", "办一台pos多少钱",
        "没有营业执照能办吗", "小微商户可以申请吗", "在哪里办pos机", "再申请一台",
        "想多办一台机器", "申请收款码和pos", "办理条件是什么", "个体户能办吗",
        "办pos要多久", "申请pos机流程", "怎么开通收单", "申请电签pos",
        "想要一台新机器", "办机器要押金吗", "可以免费领pos吗", "我要申请刷卡机",
        "开个商户", "怎么成为商户",
    ],
    "cancel_pos": [
        "我不想用了", "怎么注销pos机", "退机", "pos机怎么退", "不用了要退押金",
        "cancel my terminal", "I want to return the pos", "close my merchant account",
        "店关了机器怎么处理", "注销商户", "停用pos机", "解约", "机器还给你们",
        "不干了怎么销户", "关闭刷卡功能", "把机器退回去", "撤机", "销户流程",
        "终止合作", "机器不要了", "不想要这台了", "怎么停止使用", "注销终端",
        "转让店铺机器怎么办", "pos机怎么解绑", "退掉这台机", "注销需要什么资料",
        "不用了怎么处理", "关掉商户", "取消pos服务",
    ],
    "merchant_name_mismatch": [
        "小票上的商户名不是我的", "签购单显示别的商户名", "跳码了", "商户名称不对",
        "receipt shows another merchant name", "wrong business name on the slip",
        "账单上显示的是别的店", "客人账单显示是一个酒店", "商户类别不对",
        "显示的地区不对", "打出来是外地的商户", "小票商户名称错了", "客人说扣款显示别的公司",
        "mcc不对", "变成了餐饮类商户", "显示的不是我的店名", "商户名是乱七八糟的",
        "跳码怎么办", "信用卡账单显示的是超市", "刷出来的商户不是我注册的",
        "小票上名字跟我营业执照不一样", "商户地区显示上海但我在广州", "显示批发类",
        "商户名称怎么改", "为啥显示别人的名字", "商户名显示错误", "交易商户名变了",
        "客户账单上显示的商户名不对", "小票抬头不是我的店", "异地商户",
    ],
    "how_to_operate": [
        "怎么签到", "怎么结算", "怎么重打印小票", "怎么设置交易限额", "怎么更新系统",
        "how do I reprint a receipt", "how to do batch settlement", "how to sign in on the terminal",
        "怎么打印上一笔", "操作员怎么添加", "主管密码忘了", "怎么改操作员密码",
        "怎么做预授权", "预授权完成怎么做", "怎么打印汇总", "怎么查结算",
        "签退怎么操作", "怎么切换操作员", "怎么设置小票联数", "怎么开闪付",
        "怎么用扫码收款", "怎么下载参数", "怎么更新程序", "怎么设置wifi",
        "日结怎么做", "批结算在哪", "怎么打印结算单", "说明书在哪", "怎么调亮度",
        "怎么关闭声音", "怎么锁屏", "怎么输入小数点", "怎么设置免密", "怎么调音量",
        "怎么打印明细", "怎么重新打印任意一笔",
    ],
    "outage_status": [
        "系统是不是崩了", "是不是在维护", "大家都刷不了吗", "银联系统故障了吗",
        "is the system down", "are you under maintenance", "is there an outage",
        "今天系统升级吗", "是不是服务器出问题了", "旁边店也刷不了", "全部机器都不能用",
        "今晚有维护吗", "现在系统正常吗", "平台是不是挂了", "是不是网络中心故障",
        "系统维护到几点", "是不是全国都刷不了", "今天有没有停机公告", "后台是不是出问题了",
        "整个商场pos都用不了", "是不是系统在升级", "系统什么时候恢复", "有故障公告吗",
        "是系统问题还是我机器问题", "银行系统维护吗", "你们系统挂了吧", "其他商户也这样吗",
        "停机维护通知", "系统瘫痪了吗", "现在能正常交易吗",
    ],
    "repair_status": [
        "师傅什么时候上门", "维修进度", "换机进度怎么样了", "修好了没",
        "when will the technician come", "repair status", "where is my replacement terminal",
        "报修了三天没人来", "工单号T20240611001进度", "寄修的机器寄回来了吗",
        "新机器什么时候到", "上门维修约的几点", "维修需要多久", "换的机器发货了吗",
        "技术员联系我了没有", "修机器的人在哪", "报修单处理到哪了", "维修好了寄回来没",
        "换新机进度", "预约的上门还来吗", "快递单号多少", "机器送修多久能好",
        "上次报修的结果", "维修费用多少", "换机要多久", "维修师傅电话多少",
        "保修期内免费修吗", "修机器进展", "售后什么时候处理", "报修后怎么查进度",
    ],
    "human_agent": [
        "转人工", "人工客服", "我要找人工", "找个真人", "talk to a human", "agent please",
        "real person", "人工", "转接人工", "接人工", "我要人工服务", "机器人没用找人",
        "叫你们客服来", "让真人跟我说", "我不跟机器人说", "人工人工人工", "有没有人工",
        "转人工客服", "找客服", "我要和客服通话", "human agent", "connect me to support staff",
        "帮我转接客服", "能找个人吗", "人工在哪", "真人客服", "我要跟人说话",
        "别自动回复了找人", "请转人工", "客服经理",
    ],
    "complaint": [
        "投诉", "你们服务太差了", "客服态度很差", "我要投诉", "等了三天没人管",
        "I want to file a complaint", "your service is terrible", "worst support ever",
        "报修一周都没人来", "客服挂我电话", "问题一直解决不了", "你们太不负责任了",
        "我要投诉你们的业务员", "业务员骗我", "答应回电话没回", "太差劲了",
        "我要去银监会投诉", "承诺的事情都不兑现", "服务太慢了", "推来推去没人管",
        "我对你们服务很不满意", "我要曝光你们", "处理效率太低", "投诉业务员乱收费",
        "客服一问三不知", "再不解决我就投诉", "你们这什么破服务", "要求赔偿",
        "说好上门结果没来", "业务员态度恶劣",
    ],
    "greeting": [
        "你好", "您好", "在吗", "谢谢", "好的谢谢", "再见", "hello", "hi", "thanks",
        "thank you", "bye", "ok thanks", "早上好", "晚上好", "谢了", "好的", "嗯嗯",
        "收到", "明白了", "拜拜", "辛苦了", "ok", "有人吗", "在不在", "哈喽", "多谢",
        "好的知道了", "没事了", "没问题了谢谢", "解决了谢谢", "hello?", "nice", "嗨",
        "你好啊", "感谢",
    ],
    "other": [
        "今天天气怎么样", "帮我订个外卖", "你们招人吗", "怎么贷款", "微信怎么加好友",
        "股票怎么买", "讲个笑话", "你是男的女的", "what's the weather", "tell me a joke",
        "can you book a flight", "附近有什么好吃的", "帮我写个作文", "信用卡怎么提额",
        "我想买保险", "怎么开网店", "房贷利率多少", "你叫什么名字", "1+1等于几",
        "手机充值", "怎么注册淘宝", "能借我点钱吗", "彩票中奖号码", "快递到哪了",
        "帮我翻译一下", "我家猫不吃饭", "最近有什么电影", "怎么减肥", "你们老板是谁",
        "我要买手机", "社保怎么交", "驾照怎么考", "帮我算下个税", "推荐个奶茶店",
        "怎么养花", "你会唱歌吗", "abc", "测试", "asdfgh", "。。。", "？？",
        "外卖平台怎么入驻", "信用卡逾期了怎么办", "支付宝怎么提现", "微信零钱怎么提",
        "孩子上学的事想问问", "你们这边能办ETC吗", "话费怎么充", "帮我查个公交路线",
        "哪里可以兑换外币", "租房合同怎么写", "怎么办护照", "医保卡怎么用", "你几岁了",
        "讲个故事吧", "今天星期几", "现在几点了", "我想换工作", "推荐一本书", "怎么炒股",
        "基金亏了怎么办", "比特币能买吗", "电费怎么交", "汽车保险哪家好", "宽带怎么办理",
        "我想投诉邻居", "做生意怎么引流", "进货渠道有推荐吗", "怎么做抖音直播",
        "who won the game last night", "recommend a restaurant", "how to learn english",
        "what's 2+2", "do you like music", "where can I buy a phone", "help me write an email",
        "美团怎么开店", "公众号怎么注册", "小程序怎么做", "商标怎么注册", "发票怎么开",
        "营业执照年报怎么弄", "个人所得税怎么退", "公积金怎么取", "买车贷款利率",
        "嘻嘻", "呵呵", "嗯？", "1111", "。", "啊啊啊", "随便问问", "没什么", "test",
        "我无聊", "你好笨", "你会做什么", "你是谁开发的",
    ],
}

# Short and keyword-style messages: merchants often type two or three words.
HAND_SHORT: dict[str, list[str]] = {
    "txn_failed_code": [
        "交易被拒 提示余额不足", "提示持卡人密码错误次数超限", "提示无效卡号", "提示卡未初始化", "提示受限制的卡", "提示原始金额错误", "提示发卡方不能操作",
        "提示处理中心系统异常", "提示正在日终处理", "提示不允许持卡人交易", "提示重复交易", "提示交易金额超限", "提示挂失卡请没收", "提示被窃卡",
        "显示有作弊嫌疑", "提示银联收不到发卡方应答", "提示pin格式错", "显示请持卡人与发卡行联系", "交易失败，请联系发卡行", "卡被拒绝 代码05",
        "刷卡返回51，客人说卡里有钱", "机器弹出 55 密码不对", "客人的卡老是报 14", "又是A0，签到了也没用", "card declined with code 61",
        "declined 05 do not honor", "error code 96 system malfunction",
        "terminal displays 91 issuer unavailable", "刷卡出了个 12", "报 58 说终端不允许", "报错码是 03",
        "出错了 返回 94", "交易失败(55)", "交易拒绝，原因码51", "显示错误：A7", "刷卡返回码99", "回了一个 65", "显示代码54",
        "屏幕显示 失败 51 余额不足", "刷卡报的是68 发卡行超时", "提示 25 找不到原交易", "外卡刷了报 57", "刷卡显示04没收卡 吓一跳", "提示 资金不足",
        "提示 密码不正确", "提示 卡片过期", "提示 超出取款金额限制", "提示 该卡不支持此交易", "提示 终端未登记", "提示 商户未登记", "显示 发卡行超时 请查询",
        "提示 MAC错误",
    ],
    "txn_failed_generic": [
        "刷不了了", "机器刷卡就失败", "付款总失败", "信用卡付不了", "刷卡刷不进去", "收钱收不了", "交易不了", "客人付不了款走了", "支付失败",
        "卡支付失败", "the card payment failed without any code", "transaction declined no reason shown",
        "刷卡失败了也没说原因", "刷卡不成功怎么回事", "好几笔都没成功", "刷卡老不成功", "这张卡怎么都刷不了", "客人的卡付款失败", "卡刷不上", "交易总是不成功",
        "刷卡提示失败请重试", "刷了显示交易不成功", "付款时出错了", "刷卡出错",
    ],
    "card_read_error": [
        "卡读不出来", "读卡不灵", "插卡识别不了", "感应不了", "闪付刷不了没反应", "插卡后一直提示请插卡", "磁条读不出", "卡片读取失败", "读不到卡信息",
        "tap not reading", "card reader error", "reader not detecting card", "插卡口读不了", "芯片读取错误",
        "ic卡读不出来", "手机贴了没反应", "卡放上去没感应", "读卡超时", "请重新刷卡 一直这样", "插卡后机器没反应",
    ],
    "network_signin": [
        "连不上", "没网", "网络不通", "信号不好连不上", "wifi断了", "网络超时", "签到不了", "签不上到", "登录失败连接不上", "无法连接网络",
        "通讯错误", "can't connect", "no signal on the terminal", "network timeout", "logon failed",
        "连接中心超时", "连网失败", "网络断开", "机器显示离线", "通讯中断", "流量卡没信号了", "sim卡没反应", "换了wifi连不上", "路由器换了连不上",
    ],
    "printer_paper": [
        "不出纸", "打印不了", "打不出字", "纸卡住", "打印是空白", "打印模糊", "纸没了", "换纸", "装纸", "打印机坏了", "打印出来白纸",
        "receipt blank", "no receipt", "paper jam", "out of paper", "faint print", "签购单出不来", "凭条空白",
        "小票颜色很浅", "打印缺字", "打印有白条", "打印纸卡",
    ],
    "power_battery": [
        "开机开不了", "没电", "充电不行", "电池不行了", "电池问题", "开机无反应", "无法开机", "不开机", "一直没电", "用一会就关机", "插电没反应",
        "won't turn on", "no power", "battery problem", "dead battery", "charger not working",
        "充电口坏了", "电池要换", "充电灯不亮", "电量低关机", "按电源没反应", "电源坏了",
    ],
    "device_fault": [
        "死机", "卡住了", "重启", "屏幕坏了", "按键坏了", "屏幕碎", "进水", "摔坏", "屏幕不亮了但能开机", "花屏", "白屏", "系统错误",
        "应用打不开", "screen broken", "device frozen", "keys not working", "water damage",
        "touch screen not responding", "机器坏了", "机器出故障了", "硬件坏了", "屏幕闪", "按键按不下去", "触摸不灵", "自己重启",
        "开机后卡死", "屏幕裂了", "键盘坏了", "机器异常", "画面卡住不动",
    ],
    "funds_not_arrived": [
        "没到账", "钱没到", "款没到", "还没到账", "没收到钱", "昨天的钱没到", "结算没到", "钱没进卡", "营业款没到", "资金没到", "到账了没有",
        "payout missing", "money not received", "deposit not arrived", "didn't get my money",
        "钱到哪去了", "怎么还不到账", "刷卡钱没到账户", "今天没到钱", "钱迟迟不到", "这几天的钱都没到", "少到了一笔", "一笔钱没到", "结算款没到位",
    ],
    "settlement_rules": [
        "到账规则是什么", "几天到账", "多长时间到", "周末到不到账", "节日到账吗", "什么是t+1", "什么是d0", "什么时候结算", "结算周期", "到账周期",
        "when do I get my money", "settlement time", "how many days to settle",
        "holiday settlement", "秒到是什么意思", "t0和t1区别", "几点前刷当天到", "隔天到吗", "晚上刷的什么时候到", "放假期间怎么到账",
        "工作日才到账吗", "周日刷的周几到",
    ],
    "txn_query": [
        "查交易", "查一笔", "查流水", "查账", "交易记录", "交易明细", "成功没有", "有没有这笔", "收到了吗这笔", "今天收了多少", "交易查询",
        "查今天", "查昨天", "check transaction", "transaction history", "was it successful",
        "today's sales", "查一下刚才的", "帮我看看这笔", "到底成功没", "交易有没有成功", "我要查一下交易", "这笔钱收到没有", "明细在哪看",
    ],
    "refund_void": [
        "撤销", "退款", "退货", "冲正", "怎么退", "怎么撤销", "取消交易", "刷错了", "金额错了", "多刷了", "要退钱", "原路退回",
        "refund", "void", "reversal", "cancel transaction", "wrong amount", "撤销怎么做", "退款怎么做",
        "退货怎么弄", "退给客人", "刷错了怎么办", "交易撤回", "客人退货", "钱退回去",
    ],
    "duplicate_charge": [
        "扣两次", "重复扣", "扣了两笔", "多扣了", "两次扣款", "扣双份", "charged two times", "double charged",
        "duplicate charge", "重复交易扣款", "同一笔扣两次", "扣了客人两次", "客人说扣两次", "一笔扣了两回", "扣款重复了", "重复扣费了",
    ],
    "fee_rate": [
        "费率", "手续费", "押金", "流量费", "服务费", "年费", "月租", "扣费", "到账少了", "少到钱", "为什么少了", "多扣手续费",
        "扣了钱不知道是什么", "fee", "rate", "deposit", "charges", "service fee", "why less money", "费率多少钱",
        "手续费多少", "押金退不退", "激活费", "短信费", "会员费", "扣了一笔不明费用", "费率调整了", "手续费贵", "刷卡费率", "费率变了",
    ],
    "account_frozen": [
        "冻结", "被冻结", "风控", "被风控", "解冻", "冻结了", "止付", "限制交易", "frozen", "suspended", "on hold",
        "risk control", "账户冻结", "资金冻结了", "商户冻结", "商户被禁用", "暂停结算", "延迟结算", "被限额了", "商户关闭", "调单",
        "交易权限被关", "账户锁定",
    ],
    "settlement_account_change": [
        "换卡", "换结算卡", "改结算卡", "改账户", "换账户", "换收款卡", "change account", "change bank card",
        "update bank account", "结算卡换了", "更改银行卡", "换个结算账户", "改到账卡", "换卡结算", "收款银行换",
        "对私换对公", "结算账户改名",
    ],
    "verify_caller": [
        "是真的吗", "是骗子吗", "诈骗", "冒充客服", "冒充银联", "假客服", "来电说是银联", "短信说是银行", "要验证码", "要我报验证码", "让我转账",
        "scam call", "is this a scam", "fake customer service", "someone asked for my code",
        "有人打电话", "陌生来电", "陌生短信", "让我点链接", "让我下载软件", "电话说要升级机器", "电话说要降费率", "说是客服要我的密码", "这个号码靠谱吗",
        "核实一下这个电话", "打电话的是不是你们", "说是业务员要收费", "要我提供卡号",
    ],
    "too_many_calls": [
        "别打了", "不要打了", "电话太多", "太多电话", "别打电话", "骚扰电话", "少打电话", "不要联系我", "打电话烦", "天天打电话",
        "stop calling", "too many calls", "no more calls", "calls are annoying", "打扰", "频繁来电",
        "总打电话", "又打电话", "推销电话", "回访太多", "免打扰",
    ],
    "hotline": [
        "电话", "热线", "电话号码", "联系电话", "客服号码", "服务热线", "phone number", "hotline",
        "support number", "call center number", "打什么电话", "客服电话是什么", "电话多少", "号码多少", "联系你们", "售后热线",
        "有电话吗", "银行电话", "客服联系方式", "电话号码给我",
    ],
    "apply_pos": [
        "办pos", "申请pos", "办机器", "申请机器", "要一台机器", "办理pos", "装pos", "get a pos", "apply for terminal",
        "new terminal", "open merchant account", "申请条件", "办理资料", "办理流程", "怎么办理", "办理费用", "个人办理",
        "商户入网", "新商户入网", "想开通刷卡", "要刷卡机", "想要pos",
    ],
    "cancel_pos": [
        "注销", "退机", "不用了", "解约", "停用", "退押金", "退回机器", "cancel", "close account",
        "return terminal", "stop service", "注销pos", "注销商户号", "不想用", "机器退了", "撤销商户", "关店了", "不做了",
        "停止合作", "终止服务",
    ],
    "merchant_name_mismatch": [
        "跳码", "商户名不对", "商户名错", "名字不对", "显示别的商户", "商户名称错误", "wrong merchant name",
        "different business name", "wrong mcc", "商户类别错了", "地区不对", "外地商户", "商户信息不对", "小票名字错",
        "账单商户名错", "商户名和执照不一致", "不是我的店名",
    ],
    "how_to_operate": [
        "怎么操作", "怎么用", "如何使用", "操作方法", "怎么设置", "在哪设置", "how to use", "how to set up",
        "instructions", "manual", "怎么结算当天的", "怎么签退", "怎么补打", "怎么重打", "怎么打印", "重打小票", "设置限额", "修改密码",
        "操作员", "主管密码", "预授权", "怎么升级", "更新版本", "怎么改时间", "怎么设置打印联数", "怎么开扫码", "怎么查终端号", "菜单在哪",
        "怎么添加收银员", "收银员账号", "怎么切换语言", "怎么激活",
    ],
    "outage_status": [
        "系统故障", "系统维护", "系统崩了", "宕机", "停机", "维护", "故障公告", "system down", "outage", "maintenance",
        "is the service down", "是不是系统问题", "大面积故障", "都刷不了", "都不能用", "全部不行", "系统恢复", "系统升级", "停机维护",
        "服务器故障", "系统异常吗",
    ],
    "repair_status": [
        "维修", "修好没", "上门", "换机", "报修进度", "维修进度", "工单进度", "repair", "technician", "replacement",
        "ticket status", "师傅来不来", "什么时候修", "寄修", "修到哪了", "换新机", "新机发货", "上门时间", "维修结果", "售后进度",
        "报修后", "维修单",
    ],
    "human_agent": [
        "人工", "真人", "客服", "转", "人工客服呢", "human", "agent", "person", "operator",
        "representative", "我要人工", "人工在吗", "真人客服", "找真人", "转接", "接人工", "呼叫人工",
    ],
    "complaint": [
        "投诉", "差评", "不满意", "太差", "服务差", "态度差", "投诉你们", "complaint", "terrible service",
        "very disappointed", "unacceptable", "没人管", "不负责任", "效率低", "拖着不办", "推卸责任", "骗人", "不专业",
        "投诉业务员", "投诉客服", "要赔偿", "讨个说法", "太失望了",
    ],
    "greeting": [
        "你好", "您好", "喂", "在", "在吗？", "有人在吗", "hi", "hello", "谢谢", "谢谢啦", "谢谢你", "非常感谢", "好",
        "好的", "行", "嗯", "ok", "okay", "再见", "拜", "bye bye", "good morning", "早安", "下午好", "懂了",
        "知道了", "收到了", "没事了", "好了", "问题解决了", "可以了", "好滴谢谢",
    ],
}

# Templates mix slots so one scenario appears in many surface forms.
TEMPLATES: dict[str, list[str]] = {
    "txn_failed_code": [
        "{please}{pos}{code_label}{code}{tail}", "{please}刷{card}{code_label}{code}{tail}",
        "{when}刷卡{code_label}{code}{tail}", "{please}交易失败{code_label}{code}{tail}",
        "{pos}刷{card}一直{code_label}{code}", "{code}是什么意思{tail}", "{code_label}{code}是啥",
        "顾客{amount}刷不了，{code_label}{code}", "{please}收款的时候报错{code}{tail}",
    ],
    "txn_failed_generic": [
        "{please}{pos}刷卡失败{tail}", "{when}{card}刷不了{tail}", "{please}{pos}交易不成功{tail}",
        "{please}顾客刷{amount}失败了{tail}", "{pos}一直交易失败{tail}", "{card}刷不过去{tail}",
        "{please}{pos}收不了款{tail}", "{when}开始刷卡都失败{tail}",
    ],
    "card_read_error": [
        "{please}{pos}读卡失败{tail}", "{please}{card}插进去没反应{tail}", "{pos}读不了{card}{tail}",
        "{please}闪付{pos}没反应{tail}", "{card}刷了{pos}没反应{tail}", "{pos}提示请插卡{tail}",
        "{when}开始{pos}读不出卡{tail}",
    ],
    "network_signin": [
        "{please}{pos}签到失败{tail}", "{please}{pos}连不上网{tail}", "{pos}提示通讯失败{tail}",
        "{when}开始{pos}一直连接超时{tail}", "{pos}显示网络异常{tail}", "{pos}没信号{tail}",
        "{please}{pos}签不上到{tail}",
    ],
    "printer_paper": [
        "{please}{pos}打印不出小票{tail}", "{pos}打出来是空白的{tail}", "{please}{pos}怎么装纸",
        "{pos}缺纸{tail}", "{pos}打印很淡{tail}", "{when}开始{pos}不出小票{tail}",
        "{pos}的小票打不出来{tail}",
    ],
    "power_battery": [
        "{please}{pos}开不了机{tail}", "{pos}充不进电{tail}", "{pos}电池不耐用{tail}",
        "{when}开始{pos}开不开机{tail}", "{pos}没电了充电没反应{tail}", "{pos}自动关机{tail}",
    ],
    "device_fault": [
        "{please}{pos}死机了{tail}", "{pos}一直重启{tail}", "{pos}屏幕坏了{tail}",
        "{pos}按键没反应{tail}", "{pos}进水了{tail}", "{pos}摔坏了{tail}", "{when}开始{pos}卡死{tail}",
    ],
    "funds_not_arrived": [
        "{please}{when}刷的{amount}还没到账{tail}", "{when}的钱没到账{tail}",
        "{please}{when}的款没收到{tail}", "{amount}没到账{tail}", "{when}刷卡{amount}钱一直没到{tail}",
        "{please}结算款{when}就该到了还没到{tail}", "{when}的营业款怎么还没到卡上",
    ],
    "settlement_rules": [
        "{please}{when}刷的什么时候到账", "{please}多久到账{tail}", "{please}周末刷卡什么时候到",
        "{please}节假日到账吗", "{please}t+1{tail}", "{please}d0怎么开通",
    ],
    "txn_query": [
        "{please}查一下{when}的交易", "{please}{when}{amount}那笔成功了吗", "{please}帮我查{when}的流水",
        "{when}那笔{amount}有没有成功", "{please}查一下交易记录", "{please}参考号{rrn}成功没",
    ],
    "refund_void": [
        "{please}{when}刷的{amount}怎么撤销", "{please}怎么退款{tail}", "{please}刷错金额了怎么退",
        "{please}{amount}要退给客人怎么操作", "{when}的交易能撤销吗", "{please}怎么做退货",
    ],
    "duplicate_charge": [
        "{please}{when}客人的卡被扣了两次{amount}", "{please}刷一次扣了两笔{tail}",
        "{amount}重复扣款了{tail}", "{please}顾客说扣了两次钱{tail}", "{when}重复扣费{tail}",
    ],
    "fee_rate": [
        "{please}刷{amount}怎么到账少了", "{please}费率多少{tail}", "{please}为什么扣了{amount}",
        "{please}押金什么时候退", "{please}手续费怎么这么高", "{bank}的费率是多少",
    ],
    "account_frozen": [
        "{please}账户被冻结了{tail}", "{please}钱被冻结{tail}", "{please}{bank}把我风控了{tail}",
        "{please}商户被冻结{tail}", "{when}开始交易受限{tail}",
    ],
    "settlement_account_change": [
        "{please}怎么换结算卡", "{please}结算卡想换成{bank}的", "{please}我要改收款银行卡",
        "{please}变更结算账户{tail}",
    ],
    "verify_caller": [
        "{please}有人打电话说是{bank}的{tail}", "{please}自称{bank}客服的要我验证码",
        "{please}{phone}打电话说是{bank}的，是真的吗", "{please}收到短信说是{bank}的让我升级pos",
        "{when}有个电话说是{bank}的要我报卡号", "{please}{phone}是不是{bank}的号码",
    ],
    "too_many_calls": [
        "{please}别再打电话了", "{please}你们{bank}天天打电话{tail}", "{when}又打电话了，能不能别打",
        "{please}电话太多了", "{please}不要再给我打电话推销",
    ],
    "hotline": [
        "{please}{bank}客服电话多少", "{please}{bank}的电话是多少", "{please}客服热线多少",
        "{please}{bank}pos机客服电话",
    ],
    "apply_pos": [
        "{please}我想办个{pos}", "{please}怎么申请{pos}", "{please}办{pos}要什么资料",
        "{please}{bank}的pos机怎么申请",
    ],
    "cancel_pos": [
        "{please}{pos}不想用了怎么退", "{please}怎么注销{pos}", "{please}{pos}要退掉",
        "{please}把{pos}停用",
    ],
    "merchant_name_mismatch": [
        "{please}小票上的商户名不对{tail}", "{please}{when}的签购单显示别的店名",
        "{please}跳码了{tail}", "{please}客人账单显示的商户不是我{tail}",
    ],
    "how_to_operate": [
        "{please}{pos}怎么结算", "{please}{pos}怎么重打印", "{please}{pos}怎么签到",
        "{please}{pos}怎么设置限额", "{please}{pos}怎么更新", "{please}{pos}怎么打印上一笔",
    ],
    "outage_status": [
        "{please}是不是系统故障了", "{please}{bank}系统是不是在维护", "{please}大家都刷不了吗",
        "{please}{bank}是不是崩了",
    ],
    "repair_status": [
        "{please}师傅什么时候上门", "{please}维修进度怎么样了", "{please}换的{pos}什么时候到",
        "{please}{when}报修的还没人来",
    ],
    "human_agent": ["{please}转人工", "{please}我要人工客服", "{please}找人工"],
    "complaint": ["{please}我要投诉{bank}", "{please}你们服务太差了", "{please}{bank}客服态度太差"],
    "greeting": ["{please}", "你好{tail}", "谢谢{tail}"],
    "other": [],
}

EXTRA_SLOTS = {
    "phone": ["13812345678", "021-62345678", "95516", "400-123-4567", "0755 87654321",
              "18600001111", "一个陌生号码", "一个座机"],
    "rrn": ["123456789012", "402918374650", "310512345678"],
}

# Spelling noise merchants really produce; applied to a share of the examples.
NOISE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pos机", ("poss机", "po机", "POS機", "pos 机", "POS")),
    ("到账", ("到帐",)),
    ("小票", ("小飘", "凭条")),
    ("签到", ("签倒",)),
)

_T2S_REVERSE = OpenCC("s2t")


def _fill(template: str, rng: random.Random) -> str:
    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        options = SLOTS.get(name) or EXTRA_SLOTS[name]
        return rng.choice(options)

    return re.sub(r"\{(\w+)\}", pick, template)


def _noisy(text: str, rng: random.Random) -> str:
    for original, variants in NOISE:
        if original in text and rng.random() < 0.5:
            text = text.replace(original, rng.choice(variants), 1)
    if rng.random() < 0.15:
        text = str(_T2S_REVERSE.convert(text))
    return text


def build_rows(seed: int = SEED) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for intent in sorted(HAND):
        texts: list[str] = []
        seen: set[str] = set()

        def keep(text: str) -> None:
            text = text.strip()
            if text and text not in seen:
                seen.add(text)
                texts.append(text)

        for text in HAND[intent] + HAND_SHORT.get(intent, []):
            keep(text)
        templates = TEMPLATES.get(intent, [])
        attempts = 0
        while templates and len(texts) < TARGET_PER_INTENT and attempts < 2000:
            attempts += 1
            keep(_noisy(_fill(rng.choice(templates), rng), rng))
        # Hand-written lines also get a noisy twin, so typos are not template-only.
        for text in HAND[intent]:
            if len(texts) >= TARGET_PER_INTENT + 20:
                break
            keep(_noisy(text, rng))
        rows.extend({"text": text, "intent": intent} for text in texts)
    return sorted(rows, key=lambda row: (row["intent"], row["text"]))


def main() -> None:
    rows = build_rows()
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
