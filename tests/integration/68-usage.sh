#!/bin/bash
# Usage errors of the namespace, root, capability, limit and mode
# options: status 4 and one line naming the options; every option in
# dived --help and in dived(8).
. "$(dirname "$0")/lib.sh"

# usage WANT ARGS...: dived ARGS must exit 4 with one line matching WANT.
usage() {
	local want=$1 err st
	shift
	err=$("$DIVED" "$@" 2>&1 >/dev/null)
	st=$?
	like "dived $*: 4, '$want'" "$st/$(wc -l <<< "$err")/$err" \
	    "^4/1/dived: .*$want"
}

cases=(
	"--just-execute and --inetd cannot be combined|-J|-i|--|/bin/true"
	"--inetd and --just-execute cannot be combined|-i|-J"
	"--just-execute2 and --inetd cannot be combined|-j|--inetd|--|/bin/true"
	"-i must be the first argument|@s|-i"
	"--signals needs dived to wait.*--no-wait|@s|-w|-n"
	"--signals needs dived to wait.*--no-fork|@s|-F|-n"
	"--signals needs dived to wait.*--children-daemon|@s|-D|--signals"
	"--retain-capabilities and --remove-capabilities cannot be combined|@s|-B|cap_kill|-b|cap_chown"
	"choose one of --chroot, --pivot-root and --client-chroot|@s|-R|/srv|-V|/a|/a/b|-s|mnt"
	"choose one of --chroot, --pivot-root and --client-chroot|@s|-R|/srv|-r"
	"--groups needs --user|@s|-g|root"
	"--no-setuid cannot be combined with --user|@s|-P|-u|root"
	"--no-setuid cannot be combined with .*--effective-user|@s|-P|-e|root"
	"--no-setuid cannot be combined with .*--groups|@s|-P|-g|root|-u|root"
	"--no-setuid cannot be combined with --user|-j|-u|root|--|/bin/true"
	"--pivot-root needs --unshare mnt|@s|-V|/a|/a/b"
	"--setup-uidgidmap needs --unshare user|@s|-tt"
	"--just-execute needs a command line after --|-J"
	"--just-execute has no client: no -n, -w, -F, -D, -r|-J|-r|--|/bin/true"
	"--just-execute has no client|-J|-a|true|--|/bin/true"
	"-V needs two arguments|@s|-V|/a"
	"-t needs two arguments|@s|-t|/a"
	"-N needs an argument|@s|-N"
	"--unshare: unknown namespace 'bogus'|@s|-s|net,bogus"
	"-B: unknown capability 'cap_bogus'|@s|-B|cap_bogus"
	"-m: unknown capability '99'|@s|-m|99"
	"--set-capabilities: unknown flag 'x'|@s|-c|cap_chown+x"
	"--set-capabilities: 'cap_chown' has no \\+, - or = part|@s|-c|cap_chown"
	"--rlimit: bad item 'cpu=1:2'|@s|-l|cpu=1:2"
	"--allow-outside-dirs: give its arguments as separate words|@s|--allow-outside-dirs=yes"
)
plan $((${#cases[@]} + 4))
for c in "${cases[@]}"; do
	IFS='|' read -r -a a <<< "$c"
	usage "${a[@]}"
done

# --help and dived(8) describe every option.
opts="-i --inetd -J --just-execute -j --just-execute2 -F --no-fork
-D --children-daemon -a --authenticate -B --retain-capabilities
-b --remove-capabilities -m --ambient-capabilities -c --set-capabilities
-X --no-new-privs -L --lock-securebits -l --rlimit -N --setns -s --unshare
-t --write-content -tt --setup-uidgidmap -R --chroot -h --chdir
-V --pivot-root -r --client-chroot -W --root-to-current --allow-outside-dirs"
help=$("$DIVED" --help)
missing=
for o in $opts; do
	grep -qE -- "(^| )$o( |$)" <<< "$help" || missing="$missing $o"
done
is "dived --help lists every option" "$missing" ""
man=$(mandoc -Tascii "$ROOT/man/dived.8" 2>/dev/null | col -b)
missing=
for o in $opts; do
	grep -qE -- "^ +$o(,| |$)|^ +-[a-zA-Z]+, $o( |$)" <<< "$man" ||
	    missing="$missing $o"
done
is "dived(8) describes every option" "$missing" ""
# (Cross-references to manuals this system lacks are not the page's fault.)
is "mandoc -Tlint finds nothing in dived(8)" \
    "$(mandoc -Tlint "$ROOT/man/dived.8" 2>&1 |
    grep -vE 'referenced manual not found|outdated mandoc.db')" ""
like "dived(8) has the order of operations, exit statuses, -r's safety" \
    "$(grep -c -E '^(ORDER OF OPERATIONS|EXIT STATUS|SECURITY CONSIDERATIONS)$' <<< "$man")/$(grep -c 'allow-outside-dirs' <<< "$man")" \
    "^3/[2-9]"
