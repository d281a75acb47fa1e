TR = {
    "The care plan of case %(n)s is due for review (%(d)s).": "个案 %(n)s 的服务计划需要检讨（%(d)s）。",
    "A care plan action of case %(n)s is due (%(d)s).": "个案 %(n)s 有一项服务计划行动到期（%(d)s）。",
    "No monthly meeting with %(m)s yet this month.": "本月尚未与 %(m)s 进行月度会面。",
    "%(c)s: %(n)s cases so far, %(e)s expected by now against the target %(t)s.": "%(c)s：目前有 %(n)s 个个案，按指标 %(t)s 计算现在应有 %(e)s 个。",
    "Care plan reviews due": "到期的服务计划检讨",
    "Care plan actions due": "到期的服务计划行动",
    "WF directors without this month's meeting": "本月尚未会面的妇女主任",
    "Caseload behind the contract target (managers)": "个案量落后于合同指标（主管）",
}
