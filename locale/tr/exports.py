TR = {
    "Export (XLSX)": "导出（XLSX）",
    "Figures (CSV)": "数据（CSV）",
    "Give a valid start and end date (YYYY-MM-DD).": "请填写有效的开始和结束日期（YYYY-MM-DD）。",
    "Section": "部分",
    "Figure": "指标",
    "Value": "数值",
}
