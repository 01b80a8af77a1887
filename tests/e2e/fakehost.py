"""Fake GPU hosts for the --torch-backend tests: tools that stand in for nvidia-smi."""


# Prints "$d" and "$c" side by side, line by line, as "d, c" (shell builtins only: PATH holds nothing
# but the fake tools).
PAIR_LINES = (
    "    nl='\n'\n"
    '    while [ -n "$d" ]; do\n'
    '      echo "${d%%"$nl"*}, ${c%%"$nl"*}"\n'
    '      case "$d" in *"$nl"*) d=${d#*"$nl"} ;; *) d= ;; esac\n'
    '      case "$c" in *"$nl"*) c=${c#*"$nl"} ;; *) c= ;; esac\n'
    "    done")


def nvidia_smi_script(driver, cap, driver_rc, runs):
    """A fake nvidia-smi: the driver and compute capability queries, alone or together (`driver, cap`
    per GPU, as the real one prints them). Each run appends its arguments to `runs`. `driver` and
    `cap` are printf formats (`\\n` for a line break)."""
    return (f'echo "$*" >> "{runs}"\n'
            'case "$1" in\n'
            f"  --query-gpu=driver_version) printf '{driver}'; exit {driver_rc} ;;\n"
            f"  --query-gpu=compute_cap) printf '{cap}' ;;\n"
            "  --query-gpu=driver_version,compute_cap)\n"
            f"    if [ {driver_rc} != 0 ]; then printf '{driver}'; exit {driver_rc}; fi\n"
            f"    d=$(printf '{driver}'); c=$(printf '{cap}')\n" + PAIR_LINES + " ;;\n"
            "  *) exit 99 ;;\nesac")
