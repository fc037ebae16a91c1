"""What went wrong, in the user's words: operating-system and DuckDB errors as Chinese causes.

A bad file is the file's problem: it is refused and the other files still load.
A full disk, a read-only folder or a lock held too long is the environment's
problem: the whole load stops, the published database stays as it was, and the
command exits with its own code (3, 环境错误). `environment_cause` tells the two apart.
"""

from __future__ import annotations

import errno

import duckdb

# errno -> the cause as a user reads it.
OS_CAUSES = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件超过系统允许的大小（磁盘空间或配额不足）",
    errno.EROFS: "所在磁盘是只读的（只读文件系统）",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "操作不被允许（没有权限）",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ELOOP: "符号链接循环（链接最终又指回自己）",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EIO: "读写出错（磁盘或网络存储故障）",
    errno.ENOMEM: "内存不足",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EXDEV: "数据库与其临时副本不在同一磁盘上",
}
# Words in a DuckDB error message that name an environment cause (DuckDB wraps
# the operating system's message, e.g. "Failed to commit: Could not write file
# ...: No space left on device", in a TransactionException).
DUCKDB_CAUSES = (
    ("No space left on device", errno.ENOSPC),
    ("Disk quota exceeded", errno.EDQUOT),
    ("File too large", errno.EFBIG),
    ("Read-only file system", errno.EROFS),
    ("Permission denied", errno.EACCES),
    ("Input/output error", errno.EIO),
    ("Cannot allocate memory", errno.ENOMEM),
    ("Too many open files", errno.EMFILE),
)


class LoadAborted(Exception):
    """The whole load stopped because of the environment; the message is for the user, in Chinese."""


def os_cause(exc: OSError) -> str:
    """An OSError's cause in Chinese (the errno's words, else a generic one with the number)."""
    if exc.errno in OS_CAUSES:
        return OS_CAUSES[exc.errno]
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误"


def environment_cause(exc: BaseException) -> str | None:
    """The Chinese cause if `exc` comes from the environment (disk, permissions, memory), else None."""
    if isinstance(exc, OSError):
        return os_cause(exc)
    if isinstance(exc, MemoryError | duckdb.OutOfMemoryException):
        return OS_CAUSES[errno.ENOMEM]
    if isinstance(exc, duckdb.Error):
        text = str(exc)
        for words, code in DUCKDB_CAUSES:
            if words in text:
                return OS_CAUSES[code]
        if isinstance(exc, duckdb.IOException | duckdb.FatalException):
            return "读写数据库文件出错"
    return None
