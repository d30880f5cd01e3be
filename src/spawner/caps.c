/* SPDX-License-Identifier: MIT */
/* Process: the spawner, dived's child for one request (root). */
/*
 * Capabilities (-B, -b, -c, -m), securebits (-L) and no_new_privs (-X,
 * and -r).
 * The bounding set and securebits need CAP_SETPCAP, so they are set
 * before the identity changes; the other sets after it, from capabilities
 * kept across setresuid() only when -c or -m asks for some.
 * Runs as: root (spawner).  Trusts: the exec plan.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cap-ng.h>

#include "msg.h"
#include "spawner.h"

static int
last_cap(void)
{
	int c = 0;

	while (c < 63 && prctl(PR_CAPBSET_READ, (unsigned long)c + 1, 0, 0,
	    0) >= 0)
		c++;
	return c;
}

static int
bounding(const struct plan_caps *k)
{
	int c, last = last_cap();
	uint64_t bit;

	for (c = 0; c <= last; c++) {
		bit = 1ULL << c;
		if ((k->bset_keep_set && !(k->bset_keep & bit)) ||
		    (k->bset_drop & bit))
			if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0,
			    0) != 0)
				return errno;
	}
	return 0;
}

int
caps_before_ids(const struct plan_caps *k, int *step)
{
	int r;

	*step = STEP_CAPS;
	if ((k->bset_keep_set || k->bset_drop != 0) && (r = bounding(k)) != 0)
		return r;
	*step = STEP_SECUREBITS;
	if (k->lock_securebits && prctl(PR_SET_SECUREBITS,
	    SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
	    SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0) != 0)
		return errno;
	/* Keep the permitted set across the uid change for -c and -m. */
	*step = STEP_CAPS;
	if ((k->caps_set || k->ambient != 0) &&
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return errno;
	return 0;
}

/*
 * -L sets SECBIT_NO_SETUID_FIXUP, so setresuid() left root's capabilities
 * in place.  Do what the kernel does without it, so that dived never goes
 * on for the program's user with them (-c and -m set the sets exactly,
 * right after).  capget(2) and capset(2) themselves: libcap-ng would read
 * /proc/PID/status for the other sets, and after -r that path is in the
 * client's root (a file of the client's, read as root).
 */
int
caps_setuid_fixup(const struct plan_caps *k)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uid_t r, e, s;
	size_t i;

	if (!k->lock_securebits || k->caps_set || k->ambient != 0)
		return 0;
	if (getresuid(&r, &e, &s) != 0)
		return errno;
	if (e == 0)
		return 0;
	if (syscall(SYS_capget, &h, d) != 0)
		return errno;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		/* effective root given up: no effective capability */
		d[i].effective = 0;
		if (r != 0 && s != 0)
			d[i].permitted = d[i].inheritable = 0;
	}
	return syscall(SYS_capset, &h, d) != 0 ? errno : 0;
}

static void
add_mask(capng_type_t type, uint64_t mask)
{
	unsigned int c;

	for (c = 0; c < 64; c++)
		if (mask & (1ULL << c))
			(void)capng_update(CAPNG_ADD, type, c);
}

/* -c as its text says; -m also needs permitted and inheritable. */
static int
set_caps(const struct plan_caps *k)
{
	unsigned int c;

	capng_clear(CAPNG_SELECT_CAPS);
	if (k->caps_set) {
		add_mask(CAPNG_EFFECTIVE, k->cap_eff);
		add_mask(CAPNG_PERMITTED, k->cap_prm);
		add_mask(CAPNG_INHERITABLE, k->cap_inh);
	}
	add_mask(CAPNG_PERMITTED | CAPNG_INHERITABLE, k->ambient);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0)
		return EPERM;
	for (c = 0; c < 64; c++)
		if ((k->ambient & (1ULL << c)) && prctl(PR_CAP_AMBIENT,
		    PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) != 0)
			return errno;
	return 0;
}

int
caps_after_ids(const struct plan_caps *k, int *step)
{
	int r;

	*step = STEP_CAPS;
	if (k->caps_set || k->ambient != 0) {
		if ((r = set_caps(k)) != 0)
			return r;
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
			return errno;
	}
	/* -X, and -r (plan_build): in a root the client made, a
	 * set-user-ID program could be fed its files (the classic attack
	 * that makes chroot(2) need root). */
	*step = STEP_NO_NEW_PRIVS;
	if (k->no_new_privs &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	return 0;
}
