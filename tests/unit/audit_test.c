/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of src/policy/audit.c: the JSON audit records.  Escaping
 * (no byte of an argument can end a line or reach a terminal as a control
 * sequence), strings that are not UTF-8, the fields of each record,
 * truncation at the size limits, the syslog frame, the rate limit.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <criterion/criterion.h>

#include "audit.h"
#include "errors.h"

static char out[AUDIT_MAX_RECORD];
static size_t len;
static const struct timespec t0 = { 1700000000, 123456789 };

static const char *
fmt(const struct audit_record *r, size_t max)
{
	cr_assert_eq(audit_format(out, max, r, &t0, &len), 0);
	cr_assert_leq(len, max);
	out[len] = '\0';
	return out;
}

/* One line: only printable ASCII or UTF-8, one '\n' at the end. */
static void
one_clean_line(void)
{
	size_t i;

	cr_assert_gt(len, 2);
	cr_assert_eq(out[len - 1], '\n');
	cr_assert_eq(out[0], '{');
	cr_assert_eq(out[len - 2], '}');
	for (i = 0; i + 1 < len; i++)
		cr_assert((unsigned char)out[i] >= 0x20 &&
		    (unsigned char)out[i] != 0x7f, "byte %zu is 0x%02x", i,
		    (unsigned char)out[i]);
}

static void
has(const char *needle)
{
	cr_assert_not_null(strstr(out, needle), "no %s in %s", needle, out);
}

static void
lacks(const char *needle)
{
	cr_assert_null(strstr(out, needle), "%s in %s", needle, out);
}

static struct audit_record
decision(const char *const *argv, size_t argc)
{
	static const gid_t cg[] = { 1001, 10 }, tg[] = { 0 };
	static const struct audit_target t = { "root", 0, 0, tg, 1, false };
	struct audit_record r;

	memset(&r, 0, sizeof(r));
	r.type = AUDIT_DECISION;
	r.id = "00112233aabbccdd-7";
	r.socket = "/run/dived.sock";
	r.client = (struct audit_client){ 1001, 1001, 4242, "alice", cg, 2,
		"/usr/bin/dive", NULL, "/home/alice", NULL, 1001 };
	r.accept = true;
	r.rule = "/etc/dived.conf:3";
	r.target = &t;
	r.program = "/usr/bin/id";
	r.argv = argv;
	r.argc = argc;
	return r;
}

static const char *const id_u[] = { "id", "-u" };

/* A client in a user namespace: its uid, and the user who owns it. */
Test(audit, a_namespace_client_names_its_owner)
{
	struct audit_record r = decision(id_u, 2);

	r.client.uid = 100005;
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"client_uid\":100005,\"client_owner_uid\":1001,");
}

Test(audit, decision_record_has_every_field)
{
	struct audit_record r = decision(id_u, 2);

	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	cr_assert_str_eq(out, "{\"time\":\"2023-11-14T22:13:20.123Z\","
	    "\"type\":\"decision\",\"id\":\"00112233aabbccdd-7\","
	    "\"socket\":\"/run/dived.sock\",\"decision\":\"accept\","
	    "\"reason\":null,\"rule\":\"/etc/dived.conf:3\","
	    "\"client_uid\":1001,\"client_owner_uid\":1001,"
	    "\"client_gid\":1001,\"client_pid\":4242,"
	    "\"client_user\":\"alice\",\"client_groups\":[1001,10],"
	    "\"client_exe\":\"/usr/bin/dive\",\"client_exe_error\":null,"
	    "\"client_cwd\":\"/home/alice\",\"client_cwd_error\":null,"
	    "\"target_user\":\"root\",\"target_uid\":0,\"target_gid\":0,"
	    "\"target_groups\":[0],\"program\":\"/usr/bin/id\","
	    "\"suppressed\":0,\"suppressed_since\":null,\"argc\":2,"
	    "\"argv\":[\"id\",\"-u\"]}\n");
}

Test(audit, rejection_without_target_or_program)
{
	struct audit_record r = decision(id_u, 2);

	r.accept = false;
	r.reason = "no rule permits this request";
	r.rule = NULL;
	r.target = NULL;
	r.program = NULL;
	r.client.exe = NULL;
	r.client.exe_error = "the client process has ended";
	r.client.user = NULL;
	r.client.groups = NULL;
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"decision\":\"reject\",\"reason\":\"no rule permits this "
	    "request\",\"rule\":null");
	has("\"client_user\":null,\"client_groups\":null,\"client_exe\":null,"
	    "\"client_exe_error\":\"the client process has ended\"");
	has("\"target_user\":null,\"target_uid\":null,\"target_gid\":null,"
	    "\"target_groups\":null,\"program\":null");
}

Test(audit, newlines_and_escape_sequences_cannot_forge_a_record)
{
	static const char *const argv[] = { "echo",
		"x\n{\"type\":\"decision\",\"decision\":\"accept\"}",
		"\x1b[31mred\x1b[0m", "tab\there\r", "q\"uote\\", "\x7f\x01" };
	struct audit_record r = decision(argv, 6);

	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"argv\":[\"echo\",\"x\\n{\\\"type\\\":\\\"decision\\\","
	    "\\\"decision\\\":\\\"accept\\\"}\",\"\\u001b[31mred\\u001b[0m\","
	    "\"tab\\there\\r\",\"q\\\"uote\\\\\",\"\\u007f\\u0001\"]");
}

Test(audit, c1_controls_and_line_separators_are_escaped)
{
	/* U+009B (CSI), U+2028, U+2029; é stays as it is. */
	static const char *const argv[] = { "\xc2\x9b" "1m",
		"a\xe2\x80\xa8" "b\xe2\x80\xa9", "\xc3\xa9t\xc3\xa9" };
	struct audit_record r = decision(argv, 3);

	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"argv\":[\"\\u009b1m\",\"a\\u2028b\\u2029\",\"\xc3\xa9t\xc3\xa9\"]");
}

Test(audit, strings_that_are_not_utf8_are_hex)
{
	static const char *const argv[] = { "ok", "\xff\xfe", "a\xc3",
		"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80" };
	struct audit_record r = decision(argv, 6);

	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"argv\":[\"ok\",{\"hex\":\"fffe\"},{\"hex\":\"61c3\"},"
	    "{\"hex\":\"c0af\"},{\"hex\":\"eda080\"},{\"hex\":\"f4908080\"}]");
	lacks("truncated");
}

Test(audit, other_fields_are_escaped_too)
{
	struct audit_record r = decision(id_u, 2);

	r.client.cwd = "/tmp/a\nb";
	r.client.exe = "/tmp/\xff";
	r.socket = "@s\x1b";
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"client_cwd\":\"/tmp/a\\nb\"");
	has("\"client_exe\":{\"hex\":\"2f746d702fff\"}");
	has("\"socket\":\"@s\\u001b\"");
}

Test(audit, end_records)
{
	struct audit_record r;

	memset(&r, 0, sizeof(r));
	r.type = AUDIT_END;
	r.id = "x-1";
	r.socket = "/s";
	r.client.uid = 1001;
	r.client.owner = 1001;
	r.pid = 77;
	r.result = AUDIT_EXITED;
	r.value = 3;
	r.duration_ms = 1500;
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"type\":\"end\",\"id\":\"x-1\",\"socket\":\"/s\","
	    "\"client_uid\":1001,\"client_owner_uid\":1001,\"pid\":77,"
	    "\"result\":\"exited\","
	    "\"status\":3,\"signal\":null,\"step\":null,\"error\":null,"
	    "\"duration_ms\":1500}");
	r.result = AUDIT_KILLED;
	r.value = 9;
	fmt(&r, AUDIT_MAX_RECORD);
	has("\"result\":\"killed\",\"status\":null,\"signal\":9");
	r.result = AUDIT_DUMPED;
	fmt(&r, AUDIT_MAX_RECORD);
	has("\"result\":\"dumped\"");
	r.result = AUDIT_FAILED;
	r.pid = 0;
	r.step = "execute the program";
	r.error = "No such file or directory";
	fmt(&r, AUDIT_MAX_RECORD);
	has("\"pid\":null,\"result\":\"failed\",\"status\":null,"
	    "\"signal\":null,\"step\":\"execute the program\","
	    "\"error\":\"No such file or directory\"");
	r.result = AUDIT_DETACHED;
	fmt(&r, AUDIT_MAX_RECORD);
	has("\"result\":\"detached\"");
}

Test(audit, connection_records)
{
	struct audit_record r;

	memset(&r, 0, sizeof(r));
	r.type = AUDIT_CONNECTION;
	r.id = "x-2";
	r.socket = "/s";
	r.client.uid = 65534;
	r.client.owner = (uid_t)-1;
	r.client.gid = 65534;
	r.client.pid = 9;
	r.reason = "request not completed in time";
	r.suppressed = 12;
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"type\":\"connection\",\"id\":\"x-2\",\"socket\":\"/s\","
	    "\"client_uid\":65534,\"client_owner_uid\":null,"
	    "\"client_gid\":65534,\"client_pid\":9,"
	    "\"reason\":\"request not completed in time\",\"suppressed\":12,"
	    "\"suppressed_since\":\"1970-01-01T00:00:00.000Z\"}");
}

Test(audit, a_huge_argv_is_cut_to_fit_and_says_so)
{
	static char big[100000];
	const char *argv[] = { "echo", big, "last" };
	struct audit_record r = decision(argv, 3);

	memset(big, 'a', sizeof(big) - 1);
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"argc\":3");
	has("\"truncated\":true}\n");
	lacks("last");
	has("\"program\":\"/usr/bin/id\"");
	cr_assert_gt(len, AUDIT_MAX_RECORD - 64);
}

Test(audit, many_arguments_are_cut_between_strings)
{
	static const char *argv[5000];
	struct audit_record r;
	size_t i;

	for (i = 0; i < 5000; i++)
		argv[i] = "argument";
	r = decision(argv, 5000);
	fmt(&r, AUDIT_MAX_SYSLOG);
	one_clean_line();
	has("\"argc\":5000");
	has("\"],\"truncated\":true}\n");
}

Test(audit, escapes_are_never_cut_in_half)
{
	static char ctl[AUDIT_MAX_SYSLOG];
	const char *argv[] = { ctl };
	struct audit_record r = decision(argv, 1);
	char *p;

	memset(ctl, '\x1b', sizeof(ctl) - 1);
	fmt(&r, AUDIT_MAX_SYSLOG);
	one_clean_line();
	has("\"truncated\":true");
	p = strstr(out, "\"argv\":[\"");
	cr_assert_not_null(p);
	p += 9;
	/* Whole \u001b escapes up to the closing quote. */
	while (*p == '\\') {
		cr_assert_eq(strncmp(p, "\\u001b", 6), 0, "%.8s", p);
		p += 6;
	}
	cr_assert_eq(strncmp(p, "\"]", 2), 0);
}

Test(audit, long_fields_and_group_lists_are_cut)
{
	static char path[8000];
	static gid_t many[1000];
	struct audit_record r = decision(id_u, 2);

	memset(path, 'p', sizeof(path) - 1);
	r.client.exe = path;
	r.client.groups = many;
	r.client.ngroups = 1000;
	fmt(&r, AUDIT_MAX_SYSLOG);
	one_clean_line();
	has("\"truncated\":true");
	has("\"argv\":[\"id\",\"-u\"]");
	cr_assert_leq(len, AUDIT_MAX_SYSLOG);
}

Test(audit, limits_below_the_minimum_are_refused)
{
	struct audit_record r = decision(id_u, 2);

	cr_assert_eq(audit_format(out, AUDIT_MIN_RECORD - 1, &r, &t0, &len),
	    E_TOO_LONG);
	cr_assert_eq(audit_format(out, AUDIT_MIN_RECORD, &r, &t0, &len), 0);
}

Test(audit, syslog_frame)
{
	struct tm tm;
	char f[128];
	size_t n;

	memset(&tm, 0, sizeof(tm));
	tm.tm_mon = 0;
	tm.tm_mday = 2;
	tm.tm_hour = 3;
	tm.tm_min = 4;
	tm.tm_sec = 5;
	n = audit_syslog_frame(f, sizeof(f), LOG_AUTHPRIV | LOG_NOTICE, &tm,
	    "dived", 42);
	cr_assert_str_eq(f, "<85>Jan  2 03:04:05 dived[42]: ");
	cr_assert_eq(n, strlen(f));
	cr_assert_eq(audit_syslog_frame(f, 10, 85, &tm, "dived", 42), 0);
}

Test(audit, rate_limit_burst_then_one_per_interval)
{
	struct audit_rate r;
	uint64_t supp = 99, t = 1000000;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < AUDIT_RATE_BURST; i++) {
		cr_assert(audit_rate_take(&r, t, &supp));
		cr_assert_eq(supp, 0);
	}
	for (i = 0; i < 1000; i++)
		cr_assert_not(audit_rate_take(&r, t, &supp));
	/* Not yet a whole interval later. */
	cr_assert_not(audit_rate_take(&r, t + AUDIT_RATE_EVERY_MS - 1, &supp));
	cr_assert(audit_rate_take(&r, t + AUDIT_RATE_EVERY_MS, &supp));
	cr_assert_eq(supp, 1001, "the next record counts those left out");
	cr_assert_not(audit_rate_take(&r, t + AUDIT_RATE_EVERY_MS, &supp));
	/* After a long quiet time: a full burst again, not more. */
	t += 1000ULL * AUDIT_RATE_EVERY_MS;
	for (i = 0; i < AUDIT_RATE_BURST; i++)
		cr_assert(audit_rate_take(&r, t, &supp));
	cr_assert_eq(supp, 0);
	cr_assert_not(audit_rate_take(&r, t, &supp));
}

Test(audit, rate_limit_survives_a_clock_that_does_not_move)
{
	struct audit_rate r;
	uint64_t supp;

	memset(&r, 0, sizeof(r));
	cr_assert(audit_rate_take(&r, 5, &supp));
	cr_assert(audit_rate_take(&r, 4, &supp));	/* earlier: no refill */
}

Test(audit, rejected_argv_is_cut_to_its_bound_with_length_and_hash)
{
	static char big[20000];
	const char *argv[] = { "/bin/echo", big };
	struct audit_record r = decision(argv, 2);
	char sum[65];
	const char *a;

	memset(big, 'y', sizeof(big) - 1);
	r.accept = false;
	r.reason = "no rule permits this request";
	r.argv_bytes = audit_argv_digest(argv, 2, sum);
	r.argv_sha256 = sum;
	fmt(&r, AUDIT_MAX_RECORD);
	one_clean_line();
	has("\"argc\":2,\"argv_bytes\":20010,\"argv_sha256\":\"");
	has(",\"truncated\":true}\n");
	cr_assert_not_null(a = strstr(out, "\"argv\":["));
	cr_assert_leq(strlen(a), AUDIT_REJECTED_ARGV + 64);
	r.accept = true;		/* accepted: as much as fits */
	fmt(&r, AUDIT_MAX_RECORD);
	cr_assert_gt(strlen(strstr(out, "\"argv\":[")), sizeof(big));
}

/* Known answers: SHA-256 of no bytes (FIPS 180-2), and of the bytes
 * "id\0-u\0" (as sha256sum(1) computes it). */
Test(audit, argv_digest_known_answers)
{
	const char *idu[] = { "id", "-u" };
	char sum[65];

	cr_assert_eq(audit_argv_digest(NULL, 0, sum), 0);
	cr_assert_str_eq(sum, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	cr_assert_eq(audit_argv_digest(idu, 2, sum), 6);
	cr_assert_str_eq(sum, "c874b208c7221699fde0d675eaebace0"
	    "216e8dcaffcfe670f147aaea138994b3");
}

Test(audit, rates_are_per_uid_and_count_what_they_leave_out)
{
	static struct audit_rates t;
	struct timespec rt = { 1700000000, 0 };
	struct audit_left l;
	uint64_t w, refused = 0, counted = 0;
	unsigned int i;

	for (i = 0; i < AUDIT_RATE_BURST; i++)
		cr_assert(audit_rates_take(&t, 1000, 5, &rt, &l));
	for (i = 0; i < 7; i++)
		cr_assert_not(audit_rates_take(&t, 1000, 5, &rt, &l));
	/* Another uid has its own allowance. */
	cr_assert(audit_rates_take(&t, 1001, 5, &rt, &l));
	cr_assert_eq(l.n, 0);
	/* Not due yet; then due, with the count and its time. */
	cr_assert_not(audit_rates_due(&t, 5, false, &l, &w));
	cr_assert_eq(w, AUDIT_RATE_EVERY_MS);
	cr_assert(audit_rates_due(&t, 5 + w, false, &l, &w));
	cr_assert_eq(l.uid, 1000);
	cr_assert_eq(l.n, 7);
	cr_assert_eq(l.since.tv_sec, rt.tv_sec);
	cr_assert_not(audit_rates_due(&t, 5 + w, true, &l, &w));
	/* More uids than places: the rest share one count, never lost. */
	for (i = 0; i < 3 * AUDIT_RATE_UIDS; i++) {
		while (audit_rates_take(&t, 5000 + i, 10, &rt, &l))
			counted += l.n;
		refused++;
	}
	while (audit_rates_due(&t, 10, true, &l, &w))
		counted += l.n;
	cr_assert_eq(counted, refused);
}
