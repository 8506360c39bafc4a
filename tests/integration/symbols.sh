#!/bin/sh
# libtandem exports only its public API: every dynamic symbol is tandem_*.
lib="$top_builddir/lib/.libs/libtandem.so"
echo "1..2"
if [ -f "$lib" ]; then echo "ok 1 - libtandem.so built"; else echo "not ok 1 - no $lib"; exit 0; fi
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRV]$/ && $3 !~ /^tandem_/ { print $3 }')
if [ -z "$bad" ] && nm -D --defined-only "$lib" | grep -q ' T tandem_plan_new$'; then
	echo "ok 2 - only tandem_* symbols exported"
else
	echo "not ok 2 - unexpected exports:"; echo "$bad" | sed 's/^/# /'
fi
