package dev.kubectlsidecar.injector.traffic;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The init container's command: a self-contained {@code sh -c} script that programs Istio's rules with
 * {@code iptables-restore}/{@code iptables-save} only (and their {@code ip6tables} twins), so any image with a shell
 * and iptables runs it.
 * <ul>
 * <li>Re-runnable: before applying, it deletes what an earlier run left (our {@code ISTIO_*} chains, every jump to
 * them, and our other rules in built-in chains), so a second run in the same network namespace leaves the same
 * rules instead of failing with "Chain already exists". Other rules are not touched.</li>
 * <li>Atomic per family: removal of the chains and the new rules go in one {@code iptables-restore --noflush}.</li>
 * <li>IPv6 rules are applied only when the pod has an IPv6 address that is neither on {@code lo} nor link-local
 * ({@code /proc/net/if_inet6}): an IPv4 pod's interfaces usually carry an fe80:: address, and such a pod must not
 * fail on a node without ip6tables' nat support.</li>
 * <li>Finally it writes the applied rules as a {@link TerminationMessage} to {@code $TERMINATION_LOG}
 * (default {@value #DEFAULT_TERMINATION_LOG}), for {@link RuleSetVerifier}.</li>
 * </ul>
 * TPROXY mode also needs policy routing ({@code ip rule}/{@code ip route}), so it needs {@code ip} (iproute2) in the
 * image and fails clearly without it. With IPv6 the script adds Envoy's passthrough source {@code ::6/128} to
 * {@code lo} when {@code ip} is there, and warns when it is not.
 */
public final class InitScript {
    /**
     * The image Kubernetes itself builds kube-proxy on ({@code build/common.sh} of kubernetes/kubernetes): a
     * maintained, minimal image with {@code sh} (dash), iptables and the iptables-wrapper that picks the nft or
     * legacy backend the node uses, so our rules land where kube-proxy's do. It has no {@code ip}.
     */
    public static final String DEFAULT_IMAGE = "registry.k8s.io/build-image/distroless-iptables:v0.8.6";
    public static final String TERMINATION_LOG_ENV = "TERMINATION_LOG";
    public static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";

    private InitScript() {
    }

    /** {@code ["sh", "-c", script]}. */
    public static List<String> command(TrafficSettings settings) {
        return List.of("sh", "-c", script(IptablesRules.of(settings)));
    }

    /**
     * Whether a script starts as every script of ours does (its fixed lines before the first generated one): the
     * signature by which an injection record without digests is matched to the init container it names.
     */
    public static boolean isOurs(String script) {
        return script.startsWith(TEMPLATE.substring(0, TEMPLATE.indexOf("@TERMINATION_LOG_ENV@")));
    }

    static String script(IptablesRules rules) {
        TrafficSettings settings = rules.settings();
        String tproxy = settings.interceptionMode() == InterceptionMode.TPROXY
                ? "tproxy_routing " + settings.tproxyMark() + " " + settings.tproxyRouteTable() : ":";
        return TEMPLATE
                .replace("@TERMINATION_LOG_ENV@", TERMINATION_LOG_ENV)
                .replace("@DEFAULT_TERMINATION_LOG@", DEFAULT_TERMINATION_LOG)
                .replace("@LIMIT@", Integer.toString(TerminationMessage.LIMIT))
                .replace("@HEADER_V4@", TerminationMessage.HEADER_V4)
                .replace("@HEADER_V6@", TerminationMessage.HEADER_V6)
                .replace("@V6_SKIPPED@", TerminationMessage.V6_SKIPPED)
                .replace("@TRUNCATED@", TerminationMessage.TRUNCATED)
                .replace("@TPROXY_ROUTING@", tproxy)
                .replace("@TABLES_V4@", String.join(" ", rules.tables(Family.V4)))
                .replace("@TABLES_V6@", String.join(" ", rules.tables(Family.V6)))
                .replace("@OWNED_V4@", quote(ownedRuleDeletions(rules.rules(Family.V4))))
                .replace("@OWNED_V6@", quote(ownedRuleDeletions(rules.rules(Family.V6))))
                .replace("@RULES_V4@", quote(rules.restoreInput(Family.V4)))
                .replace("@RULES_V6@", quote(rules.restoreInput(Family.V6)));
    }

    /**
     * Our rules in built-in chains that do not jump to one of our chains, as {@code table -D CHAIN params} lines:
     * iptables-save cannot tell them from the user's, so a re-run deletes exactly these.
     */
    static String ownedRuleDeletions(List<IptablesRule> rules) {
        return rules.stream()
                .filter(IptablesRule::inBuiltInChain)
                .filter(rule -> rule.jumpTarget().map(IptablesRule.BUILT_IN::contains).orElse(true))
                .map(rule -> rule.table() + " -D " + rule.chain() + " " + String.join(" ", rule.params()))
                .collect(Collectors.joining("\n"));
    }

    /** A single-quoted shell word. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static final String TEMPLATE = """
            set -eu
            termination_log="${@TERMINATION_LOG_ENV@:-@DEFAULT_TERMINATION_LOG@}"
            fail() { printf 'istio-init: %s\\n' "$*" >&2; exit 1; }
            warn() { printf 'istio-init: warning: %s\\n' "$*" >&2; }

            # The iptables-restore inputs istio-iptables would apply, verbatim.
            rules_v4=@RULES_V4@
            rules_v6=@RULES_V6@
            tables_v4='@TABLES_V4@'
            tables_v6='@TABLES_V6@'
            owned_v4=@OWNED_V4@
            owned_v6=@OWNED_V6@

            # True when an interface other than lo has a non-link-local IPv6 address.
            has_ipv6() {
              [ -r /proc/net/if_inet6 ] || return 1
              while read -r _address _index _length scope _flags name; do
                if [ "$name" != lo ] && [ "$scope" != 20 ]; then return 0; fi
              done < /proc/net/if_inet6
              return 1
            }

            # The tables of save output $1 that hold ISTIO_ chains.
            istio_tables() {
              printf '%s\\n' "$1" | {
                table= found=
                while IFS= read -r line; do
                  case $line in
                    '*'*) table=${line#'*'} ;;
                    :ISTIO_*) case " $found " in *" $table "*) ;; *) found="$found $table" ;; esac ;;
                  esac
                done
                printf '%s\\n' "$found"
              }
            }

            # Restore lines removing, in table $2 of save output $1, every jump to an ISTIO_ chain, then those chains.
            cleanup_lines() {
              printf '%s\\n' "$1" | {
                in_table=no chains=
                while IFS= read -r line; do
                  case $line in
                    '*'*) if [ "$line" = "*$2" ]; then in_table=yes; else in_table=no; fi ;;
                    :ISTIO_*) if [ $in_table = yes ]; then chains="$chains ${line%% *}"; fi ;;
                    '-A ISTIO_'*) ;;
                    '-A '*' -j ISTIO_'*) if [ $in_table = yes ]; then printf '%s\\n' "-D ${line#-A }"; fi ;;
                  esac
                done
                for chain in $chains; do printf '%s\\n' "-F ${chain#:}"; done
                for chain in $chains; do printf '%s\\n' "-X ${chain#:}"; done
              }
            }

            # Restore input $1 with each table's cleanup (from save output $2) spliced in after its header, plus
            # cleanup-only blocks for the other tables in $3 that hold ISTIO_ chains.
            with_cleanup() {
              printf '%s' "$1" | while IFS= read -r line; do
                printf '%s\\n' "$line"
                case $line in '* '*) cleanup_lines "$2" "${line#'* '}" ;; esac
              done
              for table in $3; do
                case " $4 " in *" $table "*) continue ;; esac
                printf '%s\\n' "*$table"
                cleanup_lines "$2" "$table"
                printf 'COMMIT\\n'
              done
            }

            # apply TOOL RULES TABLES OWNED: replaces what an earlier run left with RULES, in one restore.
            apply() {
              saved=$("$1-save") || fail "$1-save failed"
              residue=$(istio_tables "$saved")
              printf '%s\\n' "$4" | while read -r table rule; do
                [ -n "$table" ] || continue
                case " $residue " in *" $table "*) ;; *) continue ;; esac
                printf '*%s\\n%s\\nCOMMIT\\n' "$table" "$rule" | "$1-restore" --noflush 2>/dev/null || true
              done
              saved=$("$1-save") || fail "$1-save failed"
              with_cleanup "$2" "$saved" "$residue" "$3" | "$1-restore" --noflush \\
                || fail "$1-restore --noflush rejected the rules"
            }

            # saved_rules TOOL TABLES: what the kernel holds now, without comments, counters zeroed.
            saved_rules() {
              for table in $2; do
                saved=$("$1-save" -t "$table") || fail "$1-save -t $table failed"
                printf '%s\\n' "$saved" | while IFS= read -r line; do
                  case $line in
                    '#'*) ;;
                    :*) chain=${line%\\[*}; printf '%s[0:0]\\n' "$chain" ;;
                    *) printf '%s\\n' "$line" ;;
                  esac
                done
              done
            }

            # tproxy_routing MARK TABLE FAMILY_FLAG: marked packets are delivered locally, to Envoy.
            tproxy_routing() {
              command -v ip >/dev/null 2>&1 || fail "TPROXY interception needs the ip command (iproute2) for policy routing"
              while ip "$3" rule del fwmark "$1" lookup "$2" 2>/dev/null; do :; done
              ip "$3" rule add fwmark "$1" lookup "$2" || fail "ip $3 rule add fwmark $1 lookup $2 failed"
              ip "$3" route replace local default dev lo table "$2" || fail "ip $3 route replace in table $2 failed"
            }

            # Cuts message $1 at a line boundary so that, with the truncation marker, it fits the kubelet's limit.
            fit() {
              if [ $(( ${#1} + 1 )) -le @LIMIT@ ]; then printf '%s\\n' "$1"; return; fi
              printf '%s\\n' "$1" | {
                kept=
                while IFS= read -r line; do
                  candidate="$kept$line
            "
                  if [ $(( ${#candidate} + ${#marker} + 1 )) -gt @LIMIT@ ]; then break; fi
                  kept=$candidate
                done
                printf '%s%s\\n' "$kept" "$marker"
              }
            }
            marker='@TRUNCATED@'

            apply iptables "$rules_v4" "$tables_v4" "$owned_v4"
            @TPROXY_ROUTING@ -4
            message="@HEADER_V4@
            $(saved_rules iptables "$tables_v4")"
            if has_ipv6; then
              apply ip6tables "$rules_v6" "$tables_v6" "$owned_v6"
              @TPROXY_ROUTING@ -6
              if command -v ip >/dev/null 2>&1; then
                ip -6 addr replace ::6/128 dev lo || fail "cannot add ::6/128 to lo"
              else
                warn "no ip command: ::6/128 (Envoy's inbound passthrough source) is not on lo"
              fi
              message="$message
            @HEADER_V6@
            $(saved_rules ip6tables "$tables_v6")"
            else
              message="$message
            @V6_SKIPPED@"
            fi
            fit "$message" > "$termination_log" || fail "cannot write $termination_log"
            """;
}
