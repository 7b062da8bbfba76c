#!/bin/busybox sh
# PID 1 of the USB test VM (packed into its initramfs by kernel.ts). It loads the modules the
# test needs, mounts the host's / (a read-only 9p share) under a tmpfs overlay so the guest may
# write anywhere without touching the host, chroots into it and runs the in-guest command server
# (guest-agent.mjs, with the host's own node) on the virtio-serial port named baomi.ctl.
# Every failure is printed on the console with the marker below and powers the VM off, so the
# host sees the reason in the console tail instead of waiting for a ready marker that never comes.
/bin/busybox mkdir -p /bin /proc /sys /dev /lower /rw /newroot
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
  echo "BAOMI-VM-FAILED: $*"
  sync
  poweroff -f
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
echo "baomi-vm: init started after $(cut -d' ' -f1 /proc/uptime) s"

# modprobe reads modules.dep (made by depmod on the host when the initramfs was built).
for m in $(cat /etc/baomi-vm/modules); do
  modprobe "$m" || fail "modprobe $m"
done

agent=""
node=node
share=""
for word in $(cat /proc/cmdline); do
  case "$word" in
    baomi.agent=*) agent="${word#baomi.agent=}" ;;
    baomi.node=*) node="${word#baomi.node=}" ;;
    baomi.share=*) share="${word#baomi.share=}" ;;
  esac
done
[ -n "$agent" ] || fail "no baomi.agent= on the kernel command line"

# The host's / over virtio-9p. Reading node and the checkout's modules is most of the time a
# guest command takes, hence a larger msize than the 8 KiB default and cache=loose (the guest
# keeps what it read; the host must not change these files under a running VM: index.ts).
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower ||
  fail "mount the host's / (9p tag hostroot)"
mount -t tmpfs -o mode=0755 tmpfs /rw || fail "mount the overlay's tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
  fail "mount the overlay over the host's /"

mount -t proc proc /newroot/proc || fail "mount /proc in the chroot"
mount -t sysfs sysfs /newroot/sys || fail "mount /sys in the chroot"
mount -t devtmpfs devtmpfs /newroot/dev || fail "mount /dev in the chroot"
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
# A clean /run (the host's holds its own agents' sockets); /tmp stays the overlay's, since the
# checkout under test may live there.
mount -t tmpfs -o mode=0755 tmpfs /newroot/run || fail "mount /run in the chroot"
# A host folder shared read-write (9p without the overlay or a cache, so each side sees the
# other's files at once), mounted at its host path: the place to exchange files with the host.
if [ -n "$share" ]; then
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none share "/newroot$share" ||
    fail "mount the shared folder $share (9p tag share)"
fi
ifconfig lo 127.0.0.1 up 2>/dev/null

port=""
tries=0
while [ -z "$port" ]; do
  for p in /sys/class/virtio-ports/*; do
    [ -f "$p/name" ] && [ "$(cat "$p/name")" = baomi.ctl ] && port="/dev/${p##*/}"
  done
  [ -n "$port" ] && [ -c "$port" ] && break
  port=""
  tries=$((tries + 1))
  [ "$tries" -gt 100 ] && fail "no virtio-serial port named baomi.ctl"
  sleep 0.1
done

echo "baomi-vm: root ready after $(cut -d' ' -f1 /proc/uptime) s; starting $agent on $port"
chroot /newroot /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 TERM=dumb BAOMI_VM=1 "$node" "$agent" "$port"
fail "the command server exited with status $?"
