"""Read a service file's decision branches (``[[keputusan]]`` with ``cabang_ya`` /
``cabang_tidak``) and the roles of persons in a case (``[[peran]]``).

Split from :mod:`forms.loader`, which documents the TOML keys; errors are collected in the
same :class:`forms.fields.FieldReader` (``file: field: what is wrong``, in Indonesian).

This module never imports textual, rich or peewee.
"""

from __future__ import annotations

from forms.catalog import (
    BRANCH_ACTIONS,
    DECISION_KINDS,
    ROLE_KINDS,
    Branch,
    Decision,
    Role,
    default_no_branch,
)
from forms.fields import FieldReader, join_path


def _read_branch(
    r: FieldReader, t: dict, key: str, path: str, *, default: Branch, kind: str,
    after: int | None, step_nos: set[int],
) -> Branch:
    """Read ``[keputusan.cabang_ya]`` / ``[keputusan.cabang_tidak]`` over ``default``.

    A key left out keeps the default's value: ``tindakan`` the default action, ``teks`` the
    default text (``jika_tidak`` for the negative branch); ``ke_langkah`` and ``jeda`` keep the
    default's only when the action stays the default's.
    """
    sub = r.sub_table(t, key, path)
    if sub is None:
        return default
    where = join_path(path, key)
    r.keys(sub, where, ("tindakan", "ke_langkah", "teks", "jeda"))
    action = r.choice(sub, "tindakan", where, BRANCH_ACTIONS, label="tindakan") or default.action
    same = action == default.action
    to_step = r.integer(sub, "ke_langkah", where, minimum=1)
    if "ke_langkah" not in sub and same:
        to_step = default.to_step
    pause = r.boolean(sub, "jeda", where) if "jeda" in sub else (default.pause and same)
    text = r.text(sub, "teks", where) if "teks" in sub else default.text
    to_path = join_path(where, "ke_langkah")
    if action == "tunggu_berkas" and kind and kind != "kelengkapan":
        r.err(join_path(where, "tindakan"),
              f"tindakan 'tunggu_berkas' hanya untuk keputusan jenis 'kelengkapan' "
              f"(jenis keputusan ini '{kind}')")
    if action in ("tolak", "selesai", "tunggu_berkas"):
        if "ke_langkah" in sub:
            r.err(to_path, f"tindakan '{action}' tidak memakai ke_langkah (hapus kunci ini)")
        to_step = None
    elif to_step is not None and step_nos and to_step not in step_nos:
        r.err(to_path, f"langkah {to_step} tidak ada (langkah 1-{max(step_nos)})")
    elif action == "kembali" and to_step is None and "ke_langkah" not in sub:
        r.err(to_path, "wajib diisi untuk tindakan 'kembali' (langkah yang diulang)")
    elif action == "kembali" and to_step is not None and after is not None and to_step > after:
        r.err(to_path, f"tindakan 'kembali' harus ke langkah {after} atau sebelumnya "
                       f"(setelah_langkah = {after}), bukan ke langkah {to_step}")
    elif action == "lanjut" and to_step is not None and after is not None and to_step <= after:
        r.err(to_path, f"tindakan 'lanjut' harus ke langkah sesudah langkah {after} "
                       f"(setelah_langkah = {after}), bukan ke langkah {to_step}")
    if pause and action not in ("kembali", "tunggu_berkas"):
        r.err(join_path(where, "jeda"),
              f"jeda hanya untuk tindakan 'kembali' atau 'tunggu_berkas' (tindakan ini '{action}')")
    return Branch(label=default.label, action=action, to_step=to_step, text=text, pause=pause)


def read_decisions(
    r: FieldReader, data: dict, step_nos: set[int], end_steps: set[int] = frozenset(),
) -> tuple[Decision, ...]:
    """Read ``[[keputusan]]`` with their ``cabang_ya`` / ``cabang_tidak`` (see forms.loader).

    Args:
        r: The file's reader (collects the errors).
        data: The parsed file.
        step_nos: Numbers of the service's steps (targets must be among them).
        end_steps: Steps marked ``akhir = true`` (no decision may follow them).
    """
    out = []
    seen: dict[str, str] = {}
    after_seen: dict[int, str] = {}
    for path, t in r.table_list(data, "keputusan"):
        r.keys(t, path,
               ("id", "jenis", "pertanyaan", "setelah_langkah", "ya", "tidak", "jika_tidak",
                "kembali_ke_langkah", "cabang_ya", "cabang_tidak"),
               ("id", "jenis", "pertanyaan", "setelah_langkah", "ya", "tidak"))
        did = r.ident(t, "id", path)
        r.unique(seen, did, join_path(path, "id"), "id")
        after = r.integer(t, "setelah_langkah", path, minimum=1)
        back = r.integer(t, "kembali_ke_langkah", path, minimum=1)
        for key, no in (("setelah_langkah", after), ("kembali_ke_langkah", back)):
            if no is not None and step_nos and no not in step_nos:
                r.err(join_path(path, key),
                      f"langkah {no} tidak ada (langkah 1-{max(step_nos)})")
        if after is not None and after in end_steps:
            r.err(join_path(path, "setelah_langkah"),
                  f"langkah {after} bertanda akhir = true: prosedur berakhir di sana, tidak "
                  "dapat diikuti keputusan")
        if after is not None and after in after_seen:
            r.err(join_path(path, "setelah_langkah"),
                  f"langkah {after} sudah diikuti keputusan '{after_seen[after]}' "
                  "(satu keputusan per langkah)")
        elif after is not None:
            after_seen[after] = did
        kind = r.choice(t, "jenis", path, DECISION_KINDS, label="jenis")
        yes = r.text(t, "ya", path, required=True)
        no = r.text(t, "tidak", path, required=True)
        on_no = r.text(t, "jika_tidak", path)
        valid_back = back if back is None or not step_nos or back in step_nos else None
        branch_args = {"kind": kind, "after": after, "step_nos": step_nos}
        yes_branch = _read_branch(r, t, "cabang_ya", path,
                                  default=Branch(label=yes, action="lanjut"), **branch_args)
        no_branch = _read_branch(r, t, "cabang_tidak", path,
                                 default=default_no_branch(kind, no, on_no, valid_back),
                                 **branch_args)
        if (back is not None and isinstance(t.get("cabang_tidak"), dict)
                and no_branch.action == "kembali" and no_branch.to_step not in (None, back)):
            r.err(join_path(path, "kembali_ke_langkah"),
                  f"kembali_ke_langkah = {back} berbeda dengan cabang_tidak.ke_langkah = "
                  f"{no_branch.to_step}; tulis satu saja")
        out.append(
            Decision(
                id=did,
                kind=kind,
                question=r.text(t, "pertanyaan", path, required=True),
                after_step=after or 0,
                yes=yes,
                no=no,
                on_no=on_no,
                back_to_step=back,
                yes_branch=yes_branch,
                no_branch=no_branch,
            )
        )
    return tuple(out)


def read_roles(r: FieldReader, data: dict) -> tuple[Role, ...]:
    """Read ``[[peran]]``: id (one of ROLE_KINDS, unique), nama, min, maks, nik_wajib."""
    out = []
    seen: dict[str, str] = {}
    for path, t in r.table_list(data, "peran"):
        r.keys(t, path, ("id", "nama", "min", "maks", "nik_wajib"), ("id", "nama"))
        rid = r.choice(t, "id", path, ROLE_KINDS, label="peran", required=True)
        r.unique(seen, rid, join_path(path, "id"), "peran")
        low = r.integer(t, "min", path, minimum=0)
        high = r.integer(t, "maks", path, minimum=1)
        if low is not None and high is not None and low > high:
            r.err(join_path(path, "min"), f"min {low} lebih besar dari maks {high}")
        out.append(
            Role(
                id=rid,
                label=r.text(t, "nama", path, required=True),
                min=low or 0,
                max=high,
                nik_required=r.boolean(t, "nik_wajib", path) if "nik_wajib" in t else True,
            )
        )
    return tuple(out)
