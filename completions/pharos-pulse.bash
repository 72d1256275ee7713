# bash completion for pharos-pulse(1).
# Installed as share/bash-completion/completions/pharos-pulse. Works with or
# without the bash-completion package (it uses _filedir when that is loaded).
#
# The option lists below follow `pharos-pulse [COMMAND] --help`;
# tests/integration/test_docs_in_step.py fails when they drift apart.

_pharos_pulse_files() {
    # $1: "-d" for directories only.
    if declare -F _filedir >/dev/null; then
        _filedir $1
    else
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        if [[ $1 == -d ]]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
    fi
}

_pharos_pulse() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # With "=" in COMP_WORDBREAKS, "--config=/e" arrives as "--config" "=" "/e".
    if [[ $cur == = ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    local commands="keygen inspect send run enroll status"
    local events="online heartbeat offline"
    local global_options="--config --key --server --ca-file --pin --state-dir
        --timeout -v --verbose -q --quiet -h --help"

    case $prev in
        --config | --key | --ca-file | --token-file)
            _pharos_pulse_files
            return
            ;;
        --state-dir)
            _pharos_pulse_files -d
            return
            ;;
        --event)
            COMPREPLY=($(compgen -W "$events" -- "$cur"))
            return
            ;;
        --token)
            COMPREPLY=($(compgen -W "-" -- "$cur"))
            return
            ;;
        --server | --pin | --timeout | --comment | --interval | --jitter | --shutdown-timeout)
            # A value the user has to type: offer nothing.
            COMPREPLY=()
            return
            ;;
    esac

    # The subcommand is the first word that is neither an option nor an
    # option's value; global options may come before it.
    local command= has_event= i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            --config | --key | --server | --ca-file | --pin | --state-dir | --timeout | \
                --comment | --event | --interval | --jitter | --shutdown-timeout | \
                --token-file | --token)
                # Skip the value, which may follow an "=" word.
                [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
                ((i++))
                ;;
            -* | =) ;;
            *)
                if [[ -z $command ]]; then
                    command=$word
                elif [[ $command == send ]]; then
                    has_event=1
                fi
                ;;
        esac
    done

    local options
    case $command in
        "") options="$global_options --version" ;;
        keygen) options="--force --comment $global_options" ;;
        inspect) options="--json --event $global_options" ;;
        send) options="--dry-run --no-spool $global_options" ;;
        run) options="--interval --jitter --shutdown-timeout $global_options" ;;
        enroll) options="--token-file --token --preprovisioned --json --no-write-config
            $global_options" ;;
        status) options="--json $global_options" ;;
        *) return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $command == send && -z $has_event ]]; then
        COMPREPLY=($(compgen -W "$events" -- "$cur"))
    fi
}

complete -F _pharos_pulse pharos-pulse
