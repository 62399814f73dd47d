"""What the operator types: NIK, phone, names, the applicant form."""

from __future__ import annotations

from datetime import date

import pytest

from forms.validators import (
    FieldError,
    age_on,
    mask_nik,
    parse_nik,
    validate_applicant,
    validate_phone,
    validate_required,
)

TODAY = date(2025, 6, 1)
MALE = "3273010101900002"    # 01-01-1990, laki-laki
FEMALE = "3273014101900002"  # 41 -> 01-01-1990, perempuan


def test_male_nik():
    info = parse_nik(MALE, TODAY)
    assert info.sex == "L"
    assert info.birth_date == date(1990, 1, 1)
    assert (info.province_code, info.kabupaten_code, info.kecamatan_code) == ("32", "73", "01")
    assert info.serial == "0002"


def test_female_nik_day_plus_40():
    info = parse_nik(FEMALE, TODAY)
    assert info.sex == "P"
    assert info.birth_date == date(1990, 1, 1)


def test_spaces_and_dots_are_ignored():
    assert parse_nik(" 3273.0101 0190.0002 ", TODAY).nik == MALE


def test_century_is_current_unless_future():
    assert parse_nik("3273010101250002", TODAY).birth_date == date(2025, 1, 1)
    assert parse_nik("3273010101300002", TODAY).birth_date == date(1930, 1, 1)


@pytest.mark.parametrize("value, expected", [
    ("32730101019000AB", "NIK hanya boleh berisi angka"),
    ("3273-0101019000-2", "NIK hanya boleh berisi angka"),
    ("327301010190000", "NIK harus 16 digit (tertulis 15)"),
    ("32730101019000021", "NIK harus 16 digit (tertulis 17)"),
    ("", "NIK wajib diisi"),
])
def test_nik_format_errors(value, expected):
    with pytest.raises(FieldError) as info:
        parse_nik(value, TODAY)
    assert expected in str(info.value)


@pytest.mark.parametrize("nik", [
    "3273013102990002",  # 31-02-99
    "3273017201900002",  # day 72
    "3273013501900002",  # day 35
    "3273010113900002",  # month 13
])
def test_impossible_birth_dates(nik):
    with pytest.raises(FieldError) as info:
        parse_nik(nik, TODAY)
    assert "tidak mungkin" in str(info.value)


def test_future_birth_date():
    with pytest.raises(FieldError) as info:
        parse_nik("3273011512250002", TODAY)  # 15-12-2025, after 01-06-2025
    assert "masa depan" in str(info.value)


def test_serial_0000_and_province_00():
    with pytest.raises(FieldError, match="0000"):
        parse_nik("3273010101900000", TODAY)
    with pytest.raises(FieldError, match="provinsi"):
        parse_nik("0073010101900002", TODAY)


def test_field_error_is_a_value_error():
    assert issubclass(FieldError, ValueError)


def test_mask_nik():
    assert mask_nik("3273010101900002") == "3273********0002"
    assert mask_nik("3273 0101 0190 0002") == "3273********0002"


def test_age_on_birthday_boundary():
    assert age_on(date(1990, 6, 2), TODAY) == 34
    assert age_on(date(1990, 6, 1), TODAY) == 35
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890",
                                   "(0812) 3456.7890"])
def test_phone_normalised(typed):
    assert validate_phone(typed) == "081234567890"


@pytest.mark.parametrize("typed, expected", [
    ("0812", "tertulis 4"),
    ("0812abc45678", "hanya boleh berisi angka"),
    ("812345678901", "diawali 0, 62 atau +62"),
    ("08123456789012345", "tertulis 17"),
])
def test_phone_errors(typed, expected):
    with pytest.raises(FieldError) as info:
        validate_phone(typed)
    assert expected in str(info.value)


def test_validate_required():
    assert validate_required("  Siti Aminah  ", "Nama") == "Siti Aminah"
    with pytest.raises(FieldError, match="^Nama wajib diisi.$"):
        validate_required("   ", "Nama")
    with pytest.raises(FieldError, match="terlalu panjang"):
        validate_required("x" * 121, "Nama")
    with pytest.raises(FieldError, match="karakter kontrol"):
        validate_required("Siti\x1b[31m", "Nama")


def _form(**overrides):
    data = {"nik": MALE, "name": "Budi Santoso", "sex": "", "birth_date": "",
            "address": "Jl. Mawar No. 1", "desa": "Melayu", "kecamatan": "Tenggarong",
            "kabupaten": "Kutai Kartanegara", "phone": "", "org_name": "", "member_count": ""}
    data.update(overrides)
    return data


def test_applicant_derives_sex_and_birth_date_from_nik():
    cleaned, errors = validate_applicant(_form(), kind="perorangan", today=TODAY)
    assert errors == {}
    assert cleaned["sex"] == "L"
    assert cleaned["birth_date"] == date(1990, 1, 1)
    assert cleaned["age"] == 35


def test_sex_contradicting_the_nik_is_an_error_at_sex():
    cleaned, errors = validate_applicant(_form(sex="P"), kind="perorangan", today=TODAY)
    assert "sex" in errors and "NIK menunjukkan laki-laki" in errors["sex"]
    _, errors = validate_applicant(_form(nik=FEMALE, sex="L"), kind="perorangan", today=TODAY)
    assert "NIK menunjukkan perempuan" in errors["sex"]


def test_typed_birth_date_must_match_nik():
    _, errors = validate_applicant(_form(birth_date="01-01-1990"), kind="perorangan", today=TODAY)
    assert errors == {}
    _, errors = validate_applicant(_form(birth_date="02-01-1990"), kind="perorangan", today=TODAY)
    assert "tidak sesuai dengan NIK" in errors["birth_date"]


@pytest.mark.parametrize("name", ["[b]Siti[/]", "a [/x] b", "Siti [red]Aminah", "O'Neil / Putri"])
def test_markup_looking_names_are_kept_literally(name):
    cleaned, errors = validate_applicant(_form(name=name), kind="perorangan", today=TODAY)
    assert errors == {}
    assert cleaned["name"] == name


def test_required_fields_and_invalid_phone():
    _, errors = validate_applicant(_form(name=" ", desa="", kecamatan="", address="",
                                         phone="12ab"), kind="perorangan", today=TODAY)
    assert errors["name"] == "Nama wajib diisi."
    assert set(errors) == {"name", "desa", "kecamatan", "address", "phone"}


def test_group_needs_name_and_member_count():
    _, errors = validate_applicant(_form(), kind="kelompok", today=TODAY)
    assert errors["org_name"] == "Nama kelompok wajib diisi."
    assert errors["member_count"] == "Jumlah anggota wajib diisi."
    cleaned, errors = validate_applicant(_form(org_name="KUBE Maju", member_count="12"),
                                         kind="kelompok", today=TODAY)
    assert errors == {} and cleaned["member_count"] == 12
    _, errors = validate_applicant(_form(org_name="KUBE Maju", member_count="0"),
                                   kind="kelompok", today=TODAY)
    assert "minimal 1" in errors["member_count"]


def test_organisation_needs_its_name():
    _, errors = validate_applicant(_form(), kind="organisasi", today=TODAY)
    assert errors["org_name"] == "Nama lembaga wajib diisi."
