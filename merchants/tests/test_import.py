import io

import pytest

from core.services import import_file
from merchants.models import Contact, Merchant

pytestmark = pytest.mark.django_db

HEADER = (
    "merchant_id,name,mcc,region_code,settlement_cycle,settlement_account,acquirer,"
    "contact_name,contact_phone\n"
)


def test_merchant_import_upserts_masks_account_and_reports_bad_rows():
    content = HEADER + "\n".join(
        [
            "898440158120001,广州阿香便利店,5499,440106,T+1,6222021234567890128,chinaums,王芳,"
            "138 1234 5678",
            "89844015812,短号商户,5499,440106,T+1,,,,",
            "898440158120003,坏电话,5499,440106,D+0,,,李四,12345",
            "898440158120004,坏地区,5499,990000,T+1,,,,",
            "898440158120005,坏周期,5499,440106,T+9,,,,",
        ]
    )
    result = import_file("merchants", io.BytesIO(content.encode()), "m.csv")
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "merchant_id"),
        (4, "contact_phone"),
        (5, "region_code"),
        (6, "settlement_cycle"),
    ]
    merchant = Merchant.objects.get()
    assert merchant.settlement_account_masked == "**** 0128"
    assert merchant.acquirer.code == "chinaums" and merchant.settlement_cycle == "T1"
    assert Contact.objects.get().phone == "+8613812345678"
    assert "6222021234567890128" not in str(list(Merchant.objects.values()))
    again = import_file("merchants", io.BytesIO(content.encode()), "m.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Contact.objects.count() == 1


def test_overlong_cells_are_row_errors_and_the_rest_is_kept(tmp_path):
    from core.services import import_file

    path = tmp_path / "m.csv"
    path.write_text(
        "merchant_id,name,mcc,region_code,address\n"
        f"898440158120301,{'名' * 5001},5499,440106,地址\n"
        f"898440158120302,好店,5499,440106,{'址' * 201}\n"
        "898440158120303,好店,5499,440106,地址\n",
        encoding="utf-8",
    )
    result = import_file("merchants", path)
    assert result.created == 1
    assert {(e.row, e.column) for e in result.errors} == {(2, "name"), (3, "address")}
    name_error = next(e for e in result.errors if e.column == "name")
    assert "100" in name_error.zh and "5001" in name_error.en
