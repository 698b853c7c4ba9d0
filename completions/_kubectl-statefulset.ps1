
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-statefulset' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-statefulset'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-statefulset' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a StatefulSet and its headless Service (from flags, a file, or a wizard)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one StatefulSet: summary, ports, service and pods')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one StatefulSet: summary, ports, service and pods')
            [CompletionResult]::new('pods', 'pods', [CompletionResultType]::ParameterValue, 'The pods of a StatefulSet')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of the pods, merged with a `[pod/container]` prefix; -f follows')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Events of the StatefulSet (--pods: and of its pods and claims)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Change the number of replicas (through the scale subresource)')
            [CompletionResult]::new('redeploy', 'redeploy', [CompletionResultType]::ParameterValue, 'Restart the pods by a rolling update (kubectl.kubernetes.io/restartedAt); a partition holds back the ordinals below it, OnDelete needs --restart-pods')
            [CompletionResult]::new('revisions', 'revisions', [CompletionResultType]::ParameterValue, 'The revision history: list, show one (REV) or diff two (--diff)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Go back to an earlier revision of the pod template')
            [CompletionResult]::new('update-strategy', 'update-strategy', [CompletionResultType]::ParameterValue, 'RollingUpdate (with partition) or OnDelete')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the StatefulSet, its pods, and on request its Service and PVCs')
            [CompletionResult]::new('edit-yaml', 'edit-yaml', [CompletionResultType]::ParameterValue, 'Edit the StatefulSet''s YAML in an editor, or upload/download a manifest')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Environment variables of the containers: list, set, unset')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Alias, description, labels and annotations')
            [CompletionResult]::new('edit-service', 'edit-service', [CompletionResultType]::ParameterValue, 'Ports of the headless Service')
            [CompletionResult]::new('resize-volume', 'resize-volume', [CompletionResultType]::ParameterValue, 'Grow a volume claim template and its PVCs without restarting pods')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages into a directory')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Cobra-style completion protocol used by `kubectl statefulset <TAB>`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-statefulset;create' {
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image (required unless -f or -i)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Number of replicas [default: 1]')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Number of replicas [default: 1]')
            [CompletionResult]::new('--container-name', '--container-name', [CompletionResultType]::ParameterName, 'Container name [default: derived from the image]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable); the Service gets one port each')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable); the Service gets one port each')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'Resource requests, e.g. cpu=100m,memory=128Mi')
            [CompletionResult]::new('--limits', '--limits', [CompletionResultType]::ParameterName, 'Resource limits, e.g. cpu=1,memory=512Mi')
            [CompletionResult]::new('--requests-cpu', '--requests-cpu', [CompletionResultType]::ParameterName, 'CPU request, e.g. 250m')
            [CompletionResult]::new('--requests-memory', '--requests-memory', [CompletionResultType]::ParameterName, 'Memory request, e.g. 256Mi')
            [CompletionResult]::new('--limits-cpu', '--limits-cpu', [CompletionResultType]::ParameterName, 'CPU limit, e.g. 1')
            [CompletionResult]::new('--limits-memory', '--limits-memory', [CompletionResultType]::ParameterName, 'Memory limit, e.g. 1Gi')
            [CompletionResult]::new('--pull-policy', '--pull-policy', [CompletionResultType]::ParameterName, 'Image pull policy: Always, IfNotPresent or Never [default: IfNotPresent]')
            [CompletionResult]::new('--command', '--command', [CompletionResultType]::ParameterName, 'Start command, a shell-like string (e.g. "sh -c ''sleep 3600''")')
            [CompletionResult]::new('--args', '--args', [CompletionResultType]::ParameterName, 'Arguments, a shell-like string')
            [CompletionResult]::new('--liveness', '--liveness', [CompletionResultType]::ParameterName, 'Liveness probe: `http:[https://]PORT[/PATH]`, `tcp:PORT` or `exec:COMMAND`')
            [CompletionResult]::new('--readiness', '--readiness', [CompletionResultType]::ParameterName, 'Readiness probe (same syntax as --liveness)')
            [CompletionResult]::new('--startup', '--startup', [CompletionResultType]::ParameterName, 'Startup probe (same syntax as --liveness)')
            [CompletionResult]::new('--liveness-opts', '--liveness-opts', [CompletionResultType]::ParameterName, 'Liveness probe timing: delay=0,timeout=1,period=10,success=1,failure=3')
            [CompletionResult]::new('--readiness-opts', '--readiness-opts', [CompletionResultType]::ParameterName, 'Readiness probe timing (same syntax as --liveness-opts)')
            [CompletionResult]::new('--startup-opts', '--startup-opts', [CompletionResultType]::ParameterName, 'Startup probe timing (same syntax as --liveness-opts)')
            [CompletionResult]::new('--volume', '--volume', [CompletionResultType]::ParameterName, 'Volume claim template `name:size:mountPath[:storageClass][:accessMode]` (repeatable)')
            [CompletionResult]::new('--node-selector', '--node-selector', [CompletionResultType]::ParameterName, 'Node selector `key=value` (repeatable)')
            [CompletionResult]::new('--deployment-mode', '--deployment-mode', [CompletionResultType]::ParameterName, 'Deployment mode: default, spread (decentralized) or pack (centralized)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label `key=value` for the StatefulSet, its selector and pods (repeatable) [default: app=NAME]')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label `key=value` for the StatefulSet, its selector and pods (repeatable) [default: app=NAME]')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Annotation `key=value` on the StatefulSet (repeatable)')
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'Alias shown by the console (annotation kubesphere.io/alias-name)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description (annotation kubesphere.io/description)')
            [CompletionResult]::new('--update-strategy', '--update-strategy', [CompletionResultType]::ParameterName, 'Update strategy: RollingUpdate or OnDelete [default: RollingUpdate]')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Rolling update partition: pods with an ordinal below it keep the old revision')
            [CompletionResult]::new('--pod-management-policy', '--pod-management-policy', [CompletionResultType]::ParameterName, 'Pod management policy: OrderedReady or Parallel [default: OrderedReady]')
            [CompletionResult]::new('--image-pull-secret', '--image-pull-secret', [CompletionResultType]::ParameterName, 'Image pull secret (repeatable)')
            [CompletionResult]::new('--service-name', '--service-name', [CompletionResultType]::ParameterName, 'Name of the headless Service [default: NAME when free, else NAME-headless]')
            [CompletionResult]::new('--run-as-user', '--run-as-user', [CompletionResultType]::ParameterName, 'Container runs as this user id')
            [CompletionResult]::new('--run-as-group', '--run-as-group', [CompletionResultType]::ParameterName, 'Container runs as this group id')
            [CompletionResult]::new('--init-container', '--init-container', [CompletionResultType]::ParameterName, 'Init container `NAME=IMAGE[ COMMAND...]`, e.g. ''init=busybox:1.36 sh -c "sleep 1"'' (repeatable)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Create from a manifest (YAML or JSON; `-` for stdin): a StatefulSet, optionally with its Service')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Create from a manifest (YAML or JSON; `-` for stdin): a StatefulSet, optionally with its Service')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Write the final manifest to this file (wizard, or with any input)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only build (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--sync-host-timezone', '--sync-host-timezone', [CompletionResultType]::ParameterName, 'Mount the host''s /etc/localtime read-only (console: Sync Host Timezone)')
            [CompletionResult]::new('--run-as-non-root', '--run-as-non-root', [CompletionResultType]::ParameterName, 'Refuse to start containers running as root')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Run the container privileged')
            [CompletionResult]::new('--read-only-root-fs', '--read-only-root-fs', [CompletionResultType]::ParameterName, 'Mount the container''s root filesystem read-only')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Run the interactive wizard (terminal only)')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Run the interactive wizard (terminal only)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until all replicas are ready')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=web,tier!=cache')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=web,tier!=cache')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Ask the server for this many StatefulSets at a time and print each page as it arrives, as kubectl does; 0 asks for all at once')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List StatefulSets in all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List StatefulSets in all namespaces')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print no header line (table and wide output)')
            [CompletionResult]::new('--show-labels', '--show-labels', [CompletionResultType]::ParameterName, 'Add a LABELS column (`key=value,…` sorted by key, as kubectl''s --show-labels)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After the table, print a row for each change (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'After the table, print a row for each change (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;ls' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=web,tier!=cache')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Label selector, e.g. app=web,tier!=cache')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Ask the server for this many StatefulSets at a time and print each page as it arrives, as kubectl does; 0 asks for all at once')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'List StatefulSets in all namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'List StatefulSets in all namespaces')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print no header line (table and wide output)')
            [CompletionResult]::new('--show-labels', '--show-labels', [CompletionResultType]::ParameterName, 'Add a LABELS column (`key=value,…` sorted by key, as kubectl''s --show-labels)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After the table, print a row for each change (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'After the table, print a row for each change (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;get' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--show-managed-fields', '--show-managed-fields', [CompletionResultType]::ParameterName, 'Keep metadata.managedFields in -o yaml|json')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;status' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--show-managed-fields', '--show-managed-fields', [CompletionResultType]::ParameterName, 'Keep metadata.managedFields in -o yaml|json')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;pods' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'After the table, print a row for each change of a pod (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'After the table, print a row for each change of a pod (as `kubectl get -w`), until interrupted')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;logs' {
            [CompletionResult]::new('--pod', '--pod', [CompletionResultType]::ParameterName, 'Only this pod: its ordinal (`2`) or its name (`web-2`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The container (default: the only one, else the first)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container (default: the only one, else the first)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this, e.g. 30s, 5m, 1h')
            [CompletionResult]::new('--since-time', '--since-time', [CompletionResultType]::ParameterName, 'Only lines after this RFC 3339 time')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'The last N lines of each stream (-1 = all)')
            [CompletionResult]::new('--max-log-requests', '--max-log-requests', [CompletionResultType]::ParameterName, 'Most concurrent streams when following')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--all-containers', '--all-containers', [CompletionResultType]::ParameterName, 'Every container of each pod')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep streaming; pods that appear are picked up, pods that go away end with a note')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep streaming; pods that appear are picked up, pods that go away end with a note')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Print each line''s timestamp')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The previous (terminated) instance of the container')
            [CompletionResult]::new('--previous', '--previous', [CompletionResultType]::ParameterName, 'The previous (terminated) instance of the container')
            [CompletionResult]::new('--no-prefix', '--no-prefix', [CompletionResultType]::ParameterName, 'Without the `[pod/container]` prefix')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;events' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--pods', '--pods', [CompletionResultType]::ParameterName, 'Also the events of its pods and PersistentVolumeClaims')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep streaming new events')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep streaming new events')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;top' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between refreshes with --watch')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many pods the ranking shows')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Prometheus base URL: draw history ranges (CPU, memory working set, network in/out per pod) from its HTTP API instead of metrics.k8s.io')
            [CompletionResult]::new('--range', '--range', [CompletionResultType]::ParameterName, 'History range with a Prometheus URL, from 10m to 7d; presets as the console''s: 10m, 20m, 30m, 1h, 2h, 3h, 5h, 12h, 1d, 2d, 3d, 7d [default: 1h]')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Resolution of the range (default: the console''s step for it, about 30 points)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh until interrupted, with sparklines of the history')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh until interrupted, with sparklines of the history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;monitor' {
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between refreshes with --watch')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many pods the ranking shows')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Prometheus base URL: draw history ranges (CPU, memory working set, network in/out per pod) from its HTTP API instead of metrics.k8s.io')
            [CompletionResult]::new('--range', '--range', [CompletionResultType]::ParameterName, 'History range with a Prometheus URL, from 10m to 7d; presets as the console''s: 10m, 20m, 30m, 1h, 2h, 3h, 5h, 12h, 1d, 2d, 3d, 7d [default: 1h]')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Resolution of the range (default: the console''s step for it, about 30 points)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Refresh until interrupted, with sparklines of the history')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh until interrupted, with sparklines of the history')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;scale' {
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Precondition: only scale when the current replicas are this many')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;redeploy' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--restart-pods', '--restart-pods', [CompletionResultType]::ParameterName, 'OnDelete (or to push a stuck rollout): delete the pods one at a time, highest ordinal first, waiting for each replacement to be ready')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;revisions' {
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Coloured unified diff between two revisions (default: REV against REV-1, or the newest against the one before)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;rollback' {
            [CompletionResult]::new('--to-revision', '--to-revision', [CompletionResultType]::ParameterName, 'The revision to go back to (default: the one before the newest, as kubectl rollout undo)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;update-strategy' {
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Only pods with an ordinal >= N are updated (with --rolling)')
            [CompletionResult]::new('--max-unavailable', '--max-unavailable', [CompletionResultType]::ParameterName, 'Pods that may be unavailable during an update, a number or a percentage (with --rolling; the MaxUnavailableStatefulSet feature gate must be on in the cluster)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--rolling', '--rolling', [CompletionResultType]::ParameterName, 'RollingUpdate: pods are replaced one at a time, highest ordinal first')
            [CompletionResult]::new('--on-delete', '--on-delete', [CompletionResultType]::ParameterName, 'OnDelete: pods are only replaced when you delete them')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;delete' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show (client) or only validate on the server (server); nothing is stored')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--with-service', '--with-service', [CompletionResultType]::ParameterName, 'Also delete its headless Service (kept when other workloads select it)')
            [CompletionResult]::new('--keep-service', '--keep-service', [CompletionResultType]::ParameterName, 'Keep the headless Service (the default)')
            [CompletionResult]::new('--with-pvcs', '--with-pvcs', [CompletionResultType]::ParameterName, 'Also delete the PersistentVolumeClaims made from its volume claim templates')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;edit-yaml' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Upload this manifest instead of opening an editor (same diff, confirm and conflict rules)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Upload this manifest instead of opening an editor (same diff, confirm and conflict rules)')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Write the clean manifest to this file (`-` for stdout) and exit')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, '`server`: the server validates the change but stores nothing')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;env' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Resolve ConfigMap and Secret references to their values (Secret values only with this)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove variables by name')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-statefulset;env;set' {
            [CompletionResult]::new('--from-secret', '--from-secret', [CompletionResultType]::ParameterName, 'A variable from a Secret key: SECRET:KEY (variable name: the key, upper-cased) or VAR=SECRET:KEY')
            [CompletionResult]::new('--from-configmap', '--from-configmap', [CompletionResultType]::ParameterName, 'A variable from a ConfigMap key: CONFIGMAP:KEY or VAR=CONFIGMAP:KEY')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the change but send nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;env;unset' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits, e.g. 5m, 30s (0 = no limit)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'Only this container (default: every container; `set`/`unset`: the first one)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the change but send nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;env;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove variables by name')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-statefulset;env;help;set' {
            break
        }
        'kubectl-statefulset;env;help;unset' {
            break
        }
        'kubectl-statefulset;env;help;help' {
            break
        }
        'kubectl-statefulset;edit' {
            [CompletionResult]::new('--alias', '--alias', [CompletionResultType]::ParameterName, 'The alias (kubesphere.io/alias-name); empty removes it')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'The description (kubesphere.io/description); empty removes it')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Set a label KEY=VALUE, or remove one with KEY-')
            [CompletionResult]::new('--annotation', '--annotation', [CompletionResultType]::ParameterName, 'Set an annotation KEY=VALUE, or remove one with KEY-')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--pod-template', '--pod-template', [CompletionResultType]::ParameterName, 'Apply --label/--annotation to the pod template instead (triggers a rolling update)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the patch but send nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;edit-service' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Add or change a port NAME:PORT[:TARGETPORT][/PROTOCOL] (matched by name)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the port with this name')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The container whose ports --sync-container-ports changes (default: the first)')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container whose ports --sync-container-ports changes (default: the first)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--sync-container-ports', '--sync-container-ports', [CompletionResultType]::ParameterName, 'Also add/remove the matching container ports in the pod template')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the change but send nothing')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;resize-volume' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan only')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every shell''s script (and kubectl_complete-statefulset) into this directory')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write the man pages into')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;__complete' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace, else `default`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Disable colours (also: NO_COLOR)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (repeat for more detail)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (insecure; for test clusters only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-statefulset;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a StatefulSet and its headless Service (from flags, a file, or a wizard)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show one StatefulSet: summary, ports, service and pods')
            [CompletionResult]::new('pods', 'pods', [CompletionResultType]::ParameterValue, 'The pods of a StatefulSet')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Logs of the pods, merged with a `[pod/container]` prefix; -f follows')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Events of the StatefulSet (--pods: and of its pods and claims)')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Change the number of replicas (through the scale subresource)')
            [CompletionResult]::new('redeploy', 'redeploy', [CompletionResultType]::ParameterValue, 'Restart the pods by a rolling update (kubectl.kubernetes.io/restartedAt); a partition holds back the ordinals below it, OnDelete needs --restart-pods')
            [CompletionResult]::new('revisions', 'revisions', [CompletionResultType]::ParameterValue, 'The revision history: list, show one (REV) or diff two (--diff)')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Go back to an earlier revision of the pod template')
            [CompletionResult]::new('update-strategy', 'update-strategy', [CompletionResultType]::ParameterValue, 'RollingUpdate (with partition) or OnDelete')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the StatefulSet, its pods, and on request its Service and PVCs')
            [CompletionResult]::new('edit-yaml', 'edit-yaml', [CompletionResultType]::ParameterValue, 'Edit the StatefulSet''s YAML in an editor, or upload/download a manifest')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Environment variables of the containers: list, set, unset')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Alias, description, labels and annotations')
            [CompletionResult]::new('edit-service', 'edit-service', [CompletionResultType]::ParameterValue, 'Ports of the headless Service')
            [CompletionResult]::new('resize-volume', 'resize-volume', [CompletionResultType]::ParameterValue, 'Grow a volume claim template and its PVCs without restarting pods')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages into a directory')
            [CompletionResult]::new('__complete', '__complete', [CompletionResultType]::ParameterValue, 'Cobra-style completion protocol used by `kubectl statefulset <TAB>`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-statefulset;help;create' {
            break
        }
        'kubectl-statefulset;help;list' {
            break
        }
        'kubectl-statefulset;help;get' {
            break
        }
        'kubectl-statefulset;help;pods' {
            break
        }
        'kubectl-statefulset;help;logs' {
            break
        }
        'kubectl-statefulset;help;events' {
            break
        }
        'kubectl-statefulset;help;top' {
            break
        }
        'kubectl-statefulset;help;scale' {
            break
        }
        'kubectl-statefulset;help;redeploy' {
            break
        }
        'kubectl-statefulset;help;revisions' {
            break
        }
        'kubectl-statefulset;help;rollback' {
            break
        }
        'kubectl-statefulset;help;update-strategy' {
            break
        }
        'kubectl-statefulset;help;delete' {
            break
        }
        'kubectl-statefulset;help;edit-yaml' {
            break
        }
        'kubectl-statefulset;help;env' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove variables by name')
            break
        }
        'kubectl-statefulset;help;env;set' {
            break
        }
        'kubectl-statefulset;help;env;unset' {
            break
        }
        'kubectl-statefulset;help;edit' {
            break
        }
        'kubectl-statefulset;help;edit-service' {
            break
        }
        'kubectl-statefulset;help;resize-volume' {
            break
        }
        'kubectl-statefulset;help;completions' {
            break
        }
        'kubectl-statefulset;help;man' {
            break
        }
        'kubectl-statefulset;help;__complete' {
            break
        }
        'kubectl-statefulset;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
