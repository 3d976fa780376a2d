"""Profiles (raw facts) that scripted users answer from."""
from __future__ import annotations

from typing import Any

# A married urban worker in Nanchang with a major illness in the family: 3 people on
# 25,200 yuan a year is 700 a month per person, under the 765 marginal line.
WORKER: dict[str, Any] = {
    "union_member": True, "labor_relation": True, "wage_earner_head": True,
    "filed_elsewhere": False, "homes_owned": 1, "owns_business": False,
    "child_private_or_abroad": False, "operates_vehicles": False,
    "hukou": "urban", "provincial_contract_year": True,
    "sex": "male", "birth_date": "1975-06-01", "cadre": False,
    "dibao_certificate": False, "major_illness": True, "disease_paralysis": False,
    "child_education_hardship": False, "disaster": False, "disaster_costs": "0",
    "residence": "nanchang-city", "household_size": 3, "household_annual_income": "25200",
    "workplace": "nanchang-city", "medical_out_of_pocket": "2000",
}

ID_NUMBER = "360102197506010014"  # born 1975-06-01, male (valid check digit)


def profile(**changes: Any) -> dict[str, Any]:
    """:data:`WORKER` with some answers changed."""
    return WORKER | changes


def crowd_profile(i: int) -> dict[str, Any]:
    """The i-th of many users: the income grows with i, so the first ones qualify as
    marginal, later ones only through illness, the last ones not at all; sex, birth
    date, hukou and localities vary too."""
    return profile(
        household_annual_income=str(20000 + 600 * i),
        household_size=3 + i % 2,
        sex="female" if i % 3 == 0 else "male",
        birth_date=("1962-03-0%d" % (1 + i % 9)) if i % 5 == 0 else "1975-06-01",
        cadre=i % 4 == 0,
        hukou="rural" if i % 7 == 0 else "urban",
        residence=("nanchang-city", "jinxian", "anyi")[i % 3],
        workplace=("nanchang-city", "nanchang-county")[i % 2],
        medical_out_of_pocket=str(1000 * (i % 6)),
    )
