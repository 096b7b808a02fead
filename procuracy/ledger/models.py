"""The log as stored: the entries are the acts (core.Act: seq and canonical bytes); here are
the tree's complete subtrees, the head that serialises appends, and the signed checkpoints."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_SHIFT = 48  # a node's key is level << 48 | index: one integer, ordered level by level


def node_key(level: int, index: int) -> int:
    return level << LEVEL_SHIFT | index


class Node(models.Model):
    """The hash of one complete subtree: leaves [index·2^level, (index+1)·2^level)."""

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("树节点")
        verbose_name_plural = _("树节点")

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"

    @property
    def level(self) -> int:
        return self.key >> LEVEL_SHIFT

    @property
    def index(self) -> int:
        return self.key & ((1 << LEVEL_SHIFT) - 1)


class Head(models.Model):
    """The one row every append locks (SELECT … FOR UPDATE), so that appends happen one after
    another: the log's size and the hashes of its right edge (the complete subtrees a tree of
    this size is made of, largest first), which is all an append needs to read."""

    size = models.BigIntegerField(default=0)
    peaks = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("日志头")
        verbose_name_plural = _("日志头")

    def __str__(self) -> str:
        return str(self.size)


class Checkpoint(models.Model):
    """A signed note (C2SP tlog-checkpoint) over the log at one size."""

    size = models.BigIntegerField(_("树大小"), db_index=True)
    root = models.CharField(_("根哈希"), max_length=64)
    note = models.TextField(_("签名检查点"))
    made_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.size} {self.root[:12]}"
