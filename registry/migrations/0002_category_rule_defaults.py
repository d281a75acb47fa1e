"""National defaults of categorized protection (Ministry of Civil Affairs guideline, 2019): which
entitlements each child type and kunjing category may claim. Amounts only where N City fixed one
(de facto unsupported children are paid on the scattered orphans' standard, 1,200 yuan a month);
managers edit the table for their locality."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # child_type, category ("" = any), entitlement, monthly amount, note
    ("orphan", "", "orphan_allowance", Decimal("1200.00"), "散居孤儿基本生活费"),
    ("orphan", "", "medical_aid", None, ""),
    ("orphan", "", "education_aid", None, ""),
    ("de_facto_unsupported", "", "unsupported_child_subsidy", Decimal("1200.00"), "事实无人抚养儿童基本生活补贴"),
    ("de_facto_unsupported", "", "medical_aid", None, ""),
    ("de_facto_unsupported", "", "education_aid", None, ""),
    ("kunjing", "physical_need", "medical_aid", None, ""),
    ("kunjing", "physical_need", "disability_subsidy", None, "残疾儿童两项补贴"),
    ("kunjing", "family_need", "minimum_living_allowance", None, "低保"),
    ("kunjing", "family_need", "education_aid", None, ""),
    ("kunjing", "custody_need", "education_aid", None, ""),
    ("kunjing", "custody_need", "other", None, "临时监护、委托照护"),
]


def add_defaults(apps, schema_editor):
    CategoryRule = apps.get_model("registry", "CategoryRule")
    for child_type, category, entitlement, amount, note in DEFAULTS:
        CategoryRule.objects.get_or_create(
            child_type=child_type,
            category=category,
            entitlement=entitlement,
            defaults={"monthly_amount": amount, "note": note},
        )


def remove_defaults(apps, schema_editor):
    CategoryRule = apps.get_model("registry", "CategoryRule")
    for child_type, category, entitlement, _amount, _note in DEFAULTS:
        CategoryRule.objects.filter(child_type=child_type, category=category, entitlement=entitlement).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
