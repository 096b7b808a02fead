"""`procuracy ledger …`: verify the log, sign checkpoints, print proofs and keys.

Exit codes for every subcommand: 0 all holds, 1 a problem found (named on the last line),
2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from procuracy.core.management.acts import usage
from procuracy.ledger import checkpoints, keys, store, verify
from procuracy.ledger.bundle import Bundle, BundleError
from procuracy.ledger.merkle import ProofError
from procuracy.ledger.note import NoteError, Verifier

PROBLEM = 1  # something found wrong (2, bad usage, is `usage()`)
LARGE = 50_000  # a log this long gets a progress bar (when stderr is a terminal)


class Problem(Exception):
    """Something found wrong: printed as the last line, exit code 1."""


class Command(BaseCommand):
    help = _("账本:验证、签发检查点、证明与公钥。退出码:0 无误,1 发现问题,2 用法错误。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("verify", help=_("重算整个日志并核对检查点与业务记录"))
        p.add_argument("--checkpoint", type=Path, help=_("另行保存的检查点文件(见证方的副本)"))
        p.add_argument("--key", type=Path, help=_("验证该检查点所用的公钥文件(默认本机公钥)"))
        p.add_argument("--log-only", action="store_true", help=_("只核对日志,不核对业务记录"))
        p.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))
        sub.add_parser("checkpoint", help=_("签发并打印当前日志的检查点"))
        p = sub.add_parser("prove", help=_("打印一个条目的包含证明(JSON)"))
        p.add_argument("seq", type=int)
        p.add_argument("--size", type=int, help=_("树大小(默认最新检查点的大小)"))
        p = sub.add_parser("consistency", help=_("打印两个树大小之间的一致性证明(JSON)"))
        p.add_argument("old", type=int)
        p.add_argument("new", type=int)
        sub.add_parser("pubkey", help=_("打印验证公钥,每行一个,当前公钥在最后"))
        sub.add_parser("keygen", help=_("生成签名密钥(已有则不变)"))
        sub.add_parser("rotate-key", help=_("更换签名密钥;旧公钥保留,旧检查点仍可验证"))
        p = sub.add_parser("bundle", help=_("导出一个条目的证明包(C2SP tlog-proof)"))
        p.add_argument("seq", type=int)
        p.add_argument("--output", type=Path, help=_("写入的文件(默认打印)"))
        p = sub.add_parser("check-bundle", help=_("离线验证一个证明包"))
        p.add_argument("file", type=Path)
        p.add_argument("--key", type=Path, help=_("公钥文件(默认本机公钥)"))

    def handle(self, *args, action, **options):
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except Problem as problem:
            self.stdout.write(str(problem))
            sys.exit(PROBLEM)
        except keys.KeyMissing as missing:
            self.stdout.write(_("问题:%(what)s") % {"what": missing})
            sys.exit(PROBLEM)
        except NoteError as bad:  # an unreadable key file
            self.stdout.write(_("问题:密钥文件有误:%(what)s") % {"what": bad})
            sys.exit(PROBLEM)

    def _json(self, value) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False, indent=2))

    # --- verify ---------------------------------------------------------------------------

    def do_verify(self, checkpoint, key, log_only, no_progress, **options):
        witness = _read(checkpoint) if checkpoint else None
        witness_keys = _read_keys(key) if key else None
        show = not no_progress and sys.stderr.isatty() and store.size() >= LARGE
        with _Bar(show) as bar:
            report = verify.verify(bar.update, witness, witness_keys, records=not log_only)
        summary = _(
            "日志 %(size)s 条,检查点 %(checkpoints)s 个,业务记录 %(rows)s 行;"
            "日志 %(log).1f 秒,记录 %(records).1f 秒"
        ) % {
            "size": report.size,
            "checkpoints": report.checkpoints,
            "rows": report.rows,
            "log": report.log_seconds,
            "records": report.records_seconds,
        }
        if report.ok:
            self.stdout.write(
                _("无误:%(summary)s;根 %(root)s")
                % {
                    "summary": summary,
                    "root": report.root.hex(),
                }
            )
            return
        self.stdout.write(summary)
        for problem in report.ordered()[:20]:
            self.stdout.write(f"  {problem}")
        raise Problem(
            _("发现 %(count)s 个问题,第一个:%(first)s")
            % {"count": len(report.problems), "first": report.first()}
        )

    # --- checkpoints and keys -------------------------------------------------------------

    def do_checkpoint(self, **options):
        try:
            made = checkpoints.make()
        except checkpoints.EmptyLog:
            raise Problem(_("问题:账本为空,没有可签发的检查点。")) from None
        self.stdout.write(made.note, ending="")

    def do_pubkey(self, **options):
        verifiers = keys.verifiers()
        if not verifiers:
            raise Problem(_("问题:尚无公钥;请运行 procuracy ledger keygen。"))
        for verifier in verifiers:
            self.stdout.write(verifier.vkey())

    def do_keygen(self, **options):
        verifier, made = keys.keygen()
        if made:
            self.stdout.write(_("已生成签名密钥 %(file)s") % {"file": keys.key_file()})
        else:
            self.stdout.write(_("签名密钥已存在 %(file)s") % {"file": keys.key_file()})
        self.stdout.write(verifier.vkey())

    def do_rotate_key(self, **options):
        verifier = keys.rotate()
        self.stdout.write(_("已更换签名密钥;新公钥:"))
        self.stdout.write(verifier.vkey())

    # --- proofs ---------------------------------------------------------------------------

    def _size_or_latest(self, size: int | None) -> int:
        if size is not None:
            return size
        latest = checkpoints.latest()
        if latest is None:
            raise Problem(_("问题:尚无检查点;请先运行 procuracy ledger checkpoint。"))
        return latest.size

    def _check_sizes(self, *sizes: int) -> None:
        held = store.size()
        for size in sizes:
            if not 0 <= size <= held:
                raise usage(
                    _("树大小 %(size)s 不在 0 到 %(held)s 之间(账本现有 %(held)s 条)。")
                    % {"size": size, "held": held}
                )

    def do_prove(self, seq, size, **options):
        size = self._size_or_latest(size)
        self._check_sizes(size)
        if not 0 <= seq < size:
            raise usage(
                _("序号 %(seq)s 不在大小为 %(size)s 的树中(应为 0 到 %(last)s)。")
                % {"seq": seq, "size": size, "last": size - 1}
            )
        try:
            proof = store.inclusion_proof(seq, size)
            root = store.root(size)
        except store.MissingNode as missing:
            raise Problem(_("问题:%(what)s") % {"what": missing}) from None
        except ProofError as bad:
            raise usage(str(bad)) from None
        raw = store.entry_bytes(seq)
        if raw is None:
            raise Problem(_("问题:#%(seq)s 的条目已不在数据库中。") % {"seq": seq})
        self._json(
            {
                "entry": json.loads(raw),
                "index": seq,
                "leaf_hash": store.leaf_hash(seq).hex(),
                "tree_size": size,
                "root": root.hex(),
                "proof": [h.hex() for h in proof],
            }
        )

    def do_consistency(self, old, new, **options):
        self._check_sizes(old, new)
        if not 0 < old <= new:
            raise usage(
                _("一致性证明需要 0 < 旧大小 ≤ 新大小,而不是 %(old)s 和 %(new)s。")
                % {"old": old, "new": new}
            )
        try:
            proof = store.consistency_proof(old, new)
            root1, root2 = store.root(old), store.root(new)
        except store.MissingNode as missing:
            raise Problem(_("问题:%(what)s") % {"what": missing}) from None
        except ProofError as bad:
            raise usage(str(bad)) from None
        self._json(
            {
                "size1": old,
                "size2": new,
                "root1": root1.hex(),
                "root2": root2.hex(),
                "proof": [h.hex() for h in proof],
            }
        )

    def do_bundle(self, seq, output, **options):
        latest = checkpoints.latest()
        if latest is None or latest.size <= seq:
            raise Problem(
                _("问题:#%(seq)s 尚无检查点覆盖;请先运行 procuracy ledger checkpoint。")
                % {"seq": seq}
            )
        raw = store.entry_bytes(seq)
        if raw is None:
            raise Problem(_("问题:#%(seq)s 的条目已不在数据库中。") % {"seq": seq})
        text = Bundle(raw, seq, store.inclusion_proof(seq, latest.size), latest.note).text()
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text)
            self.stdout.write(_("已写入 %(file)s") % {"file": output})

    def do_check_bundle(self, file, key, **options):
        verifiers = _read_keys(key) if key else keys.verifiers()
        try:
            bundle = Bundle.parse(_read(file))
            checkpoint = bundle.verify(verifiers)
        except BundleError as bad:
            raise Problem(_("问题:%(what)s") % {"what": bad}) from None
        self.stdout.write(
            _("无误:条目 #%(seq)s 在 %(origin)s 的 %(size)s 条日志中,检查点签名有效。")
            % {"seq": bundle.index, "origin": checkpoint.origin, "size": checkpoint.size}
        )


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError) as failure:
        raise usage(_("无法读取 %(file)s:%(why)s") % {"file": path, "why": failure}) from None


def _read_keys(path: Path) -> list[Verifier]:
    try:
        return [Verifier.from_vkey(line) for line in _read(path).splitlines() if line.strip()]
    except NoteError as bad:
        raise usage(_("公钥文件 %(file)s 有误:%(why)s") % {"file": path, "why": bad}) from None


class _Bar:
    """A rich progress bar on stderr for long logs; does nothing otherwise."""

    LABELS = {
        "log": gettext_lazy("日志"),
        "acts": gettext_lazy("条目"),
        "rows": gettext_lazy("业务记录"),
    }

    def __init__(self, show: bool):
        self.progress = None
        self.tasks: dict[str, int] = {}
        if show:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> _Bar:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self, step: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(self.LABELS.get(step, step), total=total)
        self.progress.update(self.tasks[step], completed=done, total=max(total, done))
