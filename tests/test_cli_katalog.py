"""`desk katalog`: daftar / lihat / periksa, with English aliases."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from desk.cli_katalog import katalog
from forms.loader import BUILTIN_DIR

CODES = ["JAMKESDA", "ALAT-BANTU", "PERMAKANAN", "WRSE-KKR", "KUKAR-IDAMAN", "BENCANA",
         "REK-LKS", "REK-PUB", "VETERAN", "SANDANG", "KUBE", "WRSE-MGT", "UEP-KRSE", "SEMBAKO"]


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args, obj=None):
        return runner.invoke(katalog, list(args), obj=obj if obj is not None else {})

    return _run


@pytest.mark.parametrize("name", ["daftar", "list"])
def test_daftar_lists_14_services(run, name):
    result = run(name)
    assert result.exit_code == 0, result.output
    for code in CODES:
        assert code in result.output
    assert "14 jenis layanan" in result.output
    assert "2 hari kerja" in result.output


@pytest.mark.parametrize("name", ["lihat", "show"])
def test_lihat_kube_shows_steps_and_requirements(run, name):
    result = run(name, "kube")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Pelaksanaan Penerima Bantuan KUBE" in out
    assert "11. Memberikan bantuan berupa uang atau barang" in out
    assert "[per anggota]" in out
    assert "[bersyarat:" in out
    assert "waktu: 15 hari" in out
    assert "51.870 menit" in out and "51.856" in out
    assert "SURAT KETERANGAN" in out


def test_lihat_veteran_shows_benefit(run):
    result = run("lihat", "VETERAN")
    assert "Rp 900.000 per bulan selama 12 bulan" in result.output


@pytest.mark.parametrize("name", ["periksa", "check"])
def test_periksa_reports_inconsistencies_and_exits_0(run, name):
    result = run(name)
    assert result.exit_code == 0, result.output
    assert "14 berkas layanan valid" in result.output
    assert "51.870" in result.output and "51.856" in result.output
    assert "21 hari 10 jam" in result.output


def test_unknown_code_is_a_clear_error(run):
    result = run("lihat", "TIDAK-ADA")
    assert result.exit_code != 0
    assert "Layanan 'TIDAK-ADA' tidak ditemukan" in result.output


def test_periksa_with_a_broken_office_file_exits_1(run, tmp_path):
    text = (BUILTIN_DIR / "magetan-kube.toml").read_text(encoding="utf-8")
    (tmp_path / "kube.toml").write_text(text.replace('satuan = "hari" }', 'satuan = "hri" }', 1),
                                        encoding="utf-8")
    result = run("--folder", str(tmp_path), "periksa")
    assert result.exit_code == 1
    assert "kube.toml: langkah[3].waktu.satuan: satuan 'hri' tidak dikenal" in result.output


def test_katalog_dirs_from_the_main_cli_context(run, tmp_path):
    text = (BUILTIN_DIR / "kukar-i-santunan-veteran.toml").read_text(encoding="utf-8")
    text = text.replace('kode = "VETERAN"', 'kode = "VET-KANTOR"').replace(
        'prefiks_antrian = "I"', 'prefiks_antrian = "V"')
    (tmp_path / "vet.toml").write_text(text, encoding="utf-8")
    result = run("daftar", obj={"katalog_dirs": [tmp_path]})
    assert result.exit_code == 0, result.output
    assert "VET-KANTOR" in result.output and "15 jenis layanan" in result.output


def test_unknown_subcommand_in_indonesian(run):
    result = run("hapus")
    assert result.exit_code != 0
    assert "tidak dikenal" in result.output
