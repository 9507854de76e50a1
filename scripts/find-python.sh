#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter, or explain what to install and fail.
# Rasa Open Source 3.6.21 (the last open-source Rasa) supports Python 3.10 at most.
set -u
want="3.10"
ok() { "$1" -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)" >/dev/null 2>&1; }

for cand in "${PYTHON310:-}" python3.10 python3 python; do
  [ -n "$cand" ] || continue
  path=$(command -v "$cand" 2>/dev/null) || continue
  if ok "$path"; then
    # pyenv shims resolve to the real interpreter; print that for a stable venv.
    "$path" -c "import sys; print(sys.executable)"
    exit 0
  fi
done

pyenv_root="${PYENV_ROOT:-}"
[ -z "$pyenv_root" ] && command -v pyenv >/dev/null 2>&1 && pyenv_root=$(pyenv root)
[ -z "$pyenv_root" ] && pyenv_root="$HOME/.pyenv"
for path in $(ls -d "$pyenv_root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do
  if ok "$path"; then echo "$path"; exit 0; fi
done

if command -v uv >/dev/null 2>&1; then
  path=$(uv python find "$want" 2>/dev/null) && ok "$path" && { echo "$path"; exit 0; }
fi

cat >&2 <<MSG
error: no Python $want found (Rasa Open Source 3.6.21 needs Python $want).
Looked for: \$PYTHON310, python3.10 and python3 on PATH, pyenv versions under $pyenv_root/versions, uv.
Install one of:
  pyenv install 3.10            (then run make again)
  uv python install 3.10        (needs internet; then run make again)
  apt-get install python3.10 python3.10-venv   (where your distribution has it)
or point PYTHON310=/path/to/python3.10 at an existing interpreter.
MSG
exit 1
