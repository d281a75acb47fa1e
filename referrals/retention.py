"""What the referrals app keeps about a case, blanked when the case is anonymised (cases.services.retention)."""

from __future__ import annotations

from typing import Any


def anonymise_referrals(case: Any) -> None:
    from cases.services.retention import ANONYMISED
    from referrals.models import OutgoingReferral, Referral

    Referral.objects.filter(case=case).update(
        child_name=ANONYMISED, concerns=ANONYMISED, where_found="", caregiver_situation=""
    )
    OutgoingReferral.objects.filter(case=case).update(note="")
