#pragma once
// corral-train's exit codes, a contract with the app and the SLURM job script (docs/formats.md).
// Here, with no LibTorch, so the app reads the same constants the trainer returns.
namespace corral {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadUsage = 2;
// The run could not write its folder because the disk or quota is full (ENOSPC, EDQUOT, EFBIG;
// sysexits' EX_IOERR): the newest complete checkpoint is intact; free space, resume with --resume auto.
constexpr int kExitNoSpace = 74;
constexpr int kExitPreempted = 75;  // stopped by a signal after saving a checkpoint (sysexits' EX_TEMPFAIL)

}  // namespace corral
