// Kernel facts the agent plans by: the inotify limits the folder layer needs (Linux:
// /proc/sys/fs/inotify/*) and which boot this is (the usb module keeps per-boot marks: what it
// sealed, which MMC cards were there at its first scan). Undefined when the OS has no such
// value or it cannot be read (a read-only or missing /proc).
export interface KernelLimits {
  /** /proc/sys/fs/inotify/max_queued_events. */
  maxQueuedEvents(): number | undefined;
  /** The smaller of max_user_watches and this user namespace's max_inotify_watches. */
  maxUserWatches(): number | undefined;
  /**
   * An id that differs on every boot and stays the same until the next one (Linux:
   * /proc/sys/kernel/random/boot_id, a UUID). Undefined where there is none to read.
   */
  bootId(): string | undefined;
}
