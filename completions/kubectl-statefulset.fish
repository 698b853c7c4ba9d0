# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_statefulset_global_optspecs
    string join \n n/namespace= context= kubeconfig= o/output= template= allow-missing-template-keys= request-timeout= no-color v/verbose y/yes insecure-skip-tls-verify h/help V/version
end

function __fish_kubectl_statefulset_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_statefulset_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_statefulset_using_subcommand
    set -l cmd (__fish_kubectl_statefulset_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "create" -d 'Create a StatefulSet and its headless Service (from flags, a file, or a wizard)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "list" -d 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "ls" -d 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "get" -d 'Show one StatefulSet: summary, ports, service and pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "status" -d 'Show one StatefulSet: summary, ports, service and pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "pods" -d 'The pods of a StatefulSet'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "logs" -d 'Logs of the pods, merged with a `[pod/container]` prefix; -f follows'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "events" -d 'Events of the StatefulSet (--pods: and of its pods and claims)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "top" -d 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "monitor" -d 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "scale" -d 'Change the number of replicas (through the scale subresource)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "redeploy" -d 'Restart the pods by a rolling update (kubectl.kubernetes.io/restartedAt); a partition holds back the ordinals below it, OnDelete needs --restart-pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "revisions" -d 'The revision history: list, show one (REV) or diff two (--diff)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "rollback" -d 'Go back to an earlier revision of the pod template'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "update-strategy" -d 'RollingUpdate (with partition) or OnDelete'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "delete" -d 'Delete the StatefulSet, its pods, and on request its Service and PVCs'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "edit-yaml" -d 'Edit the StatefulSet\'s YAML in an editor, or upload/download a manifest'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "env" -d 'Environment variables of the containers: list, set, unset'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "edit" -d 'Alias, description, labels and annotations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "edit-service" -d 'Ports of the headless Service'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "edit-template" -d 'Containers, volumes, probes, resources and update strategy of the pod template (Edit Config Template)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "resize-volume" -d 'Grow a volume claim template and its PVCs without restarting pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "man" -d 'Write the man pages into a directory'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "__complete" -d 'Cobra-style completion protocol used by `kubectl statefulset <TAB>`'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l image -d 'Container image (required unless -f or -i)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s r -l replicas -d 'Number of replicas [default: 1]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l container-name -d 'Container name [default: derived from the image]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s p -l port -d 'Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable); the Service gets one port each' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s e -l env -d 'Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l requests -d 'Resource requests, e.g. cpu=100m,memory=128Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l limits -d 'Resource limits, e.g. cpu=1,memory=512Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l requests-cpu -d 'CPU request, e.g. 250m' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l requests-memory -d 'Memory request, e.g. 256Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l limits-cpu -d 'CPU limit, e.g. 1' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l limits-memory -d 'Memory limit, e.g. 1Gi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l pull-policy -d 'Image pull policy: Always, IfNotPresent or Never [default: IfNotPresent]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l command -d 'Start command, a shell-like string (e.g. "sh -c \'sleep 3600\'")' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l args -d 'Arguments, a shell-like string' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l liveness -d 'Liveness probe: `http:[https://]PORT[/PATH]`, `tcp:PORT` or `exec:COMMAND`' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l readiness -d 'Readiness probe (same syntax as --liveness)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l startup -d 'Startup probe (same syntax as --liveness)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l liveness-opts -d 'Liveness probe timing: delay=0,timeout=1,period=10,success=1,failure=3' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l readiness-opts -d 'Readiness probe timing (same syntax as --liveness-opts)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l startup-opts -d 'Startup probe timing (same syntax as --liveness-opts)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l volume -d 'Volume claim template `name:size:mountPath[:storageClass][:accessMode]` (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l node-selector -d 'Node selector `key=value` (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l deployment-mode -d 'Deployment mode: default, spread (decentralized) or pack (centralized)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s l -l label -d 'Label `key=value` for the StatefulSet, its selector and pods (repeatable) [default: app=NAME]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l annotation -d 'Annotation `key=value` on the StatefulSet (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l alias -d 'Alias shown by the console (annotation kubesphere.io/alias-name)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l description -d 'Description (annotation kubesphere.io/description)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l update-strategy -d 'Update strategy: RollingUpdate or OnDelete [default: RollingUpdate]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l partition -d 'Rolling update partition: pods with an ordinal below it keep the old revision' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l pod-management-policy -d 'Pod management policy: OrderedReady or Parallel [default: OrderedReady]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l image-pull-secret -d 'Image pull secret (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l service-name -d 'Name of the headless Service [default: NAME when free, else NAME-headless]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l run-as-user -d 'Container runs as this user id' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l run-as-group -d 'Container runs as this group id' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l init-container -d 'Init container `NAME=IMAGE[ COMMAND...]`, e.g. \'init=busybox:1.36 sh -c "sleep 1"\' (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l sidecar -d 'Sidecar container `NAME=IMAGE[ COMMAND...]`, e.g. \'metrics=prom/node-exporter\' (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s c -l container -d 'The container flags that follow (--image, --port, --env, --requests/--limits*, --pull-policy, --command, --args, probes, --mount, --native) apply to container NAME (the main one, a --sidecar or an --init-container), up to the next -c (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l mount -d 'Mount a volume `[CONTAINER@]KIND:SOURCE:PATH[:ro]` (repeatable); KIND: configmap, secret (SOURCE = NAME for every key as a file, NAME/KEY for one key at PATH), pvc (an existing claim), emptydir, emptydir-memory (SOURCE = the volume name), hostpath (SOURCE = host path)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s f -l filename -d 'Create from a manifest (YAML or JSON; `-` for stdin): a StatefulSet, optionally with its Service' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l save -d 'Write the final manifest to this file (wizard, or with any input)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l dry-run -d 'Only build (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l validate -d 'How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]' -r -f -a "strict\t'Refuse an object with an unknown or duplicate field (the server answers 400)'
warn\t'Store the object without the unknown fields and print the server\'s warnings'
ignore\t'Drop unknown fields silently'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l timeout -d 'How long --wait waits, e.g. 5m, 30s' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l insecure-registry -d 'A registry spoken to over plain HTTP (repeatable; loopback ones always are)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l registry-mirror -d 'Look images up in this registry instead: `HOST[:PORT]` for every registry, or `REGISTRY=HOST[:PORT]` for one (e.g. docker.io=mirror:5000) (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l sync-host-timezone -d 'Mount the host\'s /etc/localtime read-only (console: Sync Host Timezone)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l run-as-non-root -d 'Refuse to start containers running as root'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l privileged -d 'Run the container privileged'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l read-only-root-fs -d 'Mount the container\'s root filesystem read-only'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l native -d 'The --sidecar containers are native sidecars (init containers with restartPolicy Always, started before the main container; Kubernetes 1.29+); after `-c NAME`: only that one'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s i -l interactive -d 'Run the interactive wizard (terminal only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l skip-preflight -d 'Create even when the preflight finds that the pods would not run (a missing Secret, ConfigMap, key or StorageClass, no node that matches or has room, a claim of another set)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l wait -d 'Wait until all replicas are ready'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l skip-image-check -d 'Do not look the images up in their registries before sending'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l pin-digest -d 'Replace each image\'s tag by the digest its registry resolves it to'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand create" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s l -l selector -d 'Label selector, e.g. app=web,tier!=cache' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l sort-by -d 'Sort by this field (a JSONPath such as .metadata.creationTimestamp or {.spec.replicas}): numbers by value, quantities by amount, other strings in natural order, as kubectl\'s' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l chunk-size -d 'Ask the server for this many StatefulSets at a time and print each page as it arrives, as kubectl does; 0 asks for all at once' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s A -l all-namespaces -d 'List StatefulSets in all namespaces'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l no-headers -d 'Print no header line (table and wide output)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l show-labels -d 'Add a LABELS column (`key=value,…` sorted by key, as kubectl\'s --show-labels)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s w -l watch -d 'After the table, print a row for each change (as `kubectl get -w`), until interrupted'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand list" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s l -l selector -d 'Label selector, e.g. app=web,tier!=cache' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l sort-by -d 'Sort by this field (a JSONPath such as .metadata.creationTimestamp or {.spec.replicas}): numbers by value, quantities by amount, other strings in natural order, as kubectl\'s' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l chunk-size -d 'Ask the server for this many StatefulSets at a time and print each page as it arrives, as kubectl does; 0 asks for all at once' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s A -l all-namespaces -d 'List StatefulSets in all namespaces'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l no-headers -d 'Print no header line (table and wide output)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l show-labels -d 'Add a LABELS column (`key=value,…` sorted by key, as kubectl\'s --show-labels)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s w -l watch -d 'After the table, print a row for each change (as `kubectl get -w`), until interrupted'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand ls" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l show-managed-fields -d 'Keep metadata.managedFields in -o yaml|json'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s w -l watch -d 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand get" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l show-managed-fields -d 'Keep metadata.managedFields in -o yaml|json'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s w -l watch -d 'Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l sort-by -d 'Sort by this field (a JSONPath such as .status.startTime) instead of by ordinal' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l no-headers -d 'Print no header line (table; custom-columns)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l show-labels -d 'Add a LABELS column (`key=value,…` sorted by key, as kubectl\'s --show-labels)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s w -l watch -d 'After the table, print a row for each change of a pod (as `kubectl get -w`), until interrupted'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand pods" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l pod -d 'Only this pod: its ordinal (`2`) or its name (`web-2`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s c -l container -d 'The container (default: the only one, else the first)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l since -d 'Only lines newer than this, e.g. 30s, 5m, 1h' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l since-time -d 'Only lines after this RFC 3339 time' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l tail -d 'The last N lines of each stream (-1 = all)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l max-log-requests -d 'Most concurrent streams when following' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l all-containers -d 'Every container of each pod'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s f -l follow -d 'Keep streaming; pods that appear are picked up, pods that go away end with a note'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l timestamps -d 'Print each line\'s timestamp'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s p -l previous -d 'The previous (terminated) instance of the container'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l no-prefix -d 'Without the `[pod/container]` prefix'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand logs" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l sort-by -d 'Sort by this field of the Events (a JSONPath such as .lastTimestamp or .count) instead of by time' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l pods -d 'Also the events of its pods and PersistentVolumeClaims'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s w -l watch -d 'Keep streaming new events'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l no-headers -d 'Print no header line (table; custom-columns)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand events" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l interval -d 'Time between refreshes with --watch' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l top -d 'How many pods the ranking shows' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l prometheus -d 'Prometheus base URL: draw history ranges (CPU, memory working set, network in/out per pod) from its HTTP API instead of metrics.k8s.io' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l range -d 'History range with a Prometheus URL, from 10m to 7d; presets as the console\'s: 10m, 20m, 30m, 1h, 2h, 3h, 5h, 12h, 1d, 2d, 3d, 7d [default: 1h]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l step -d 'Resolution of the range (default: the console\'s step for it, about 30 points)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s w -l watch -d 'Refresh until interrupted, with sparklines of the history'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand top" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l interval -d 'Time between refreshes with --watch' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l top -d 'How many pods the ranking shows' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l prometheus -d 'Prometheus base URL: draw history ranges (CPU, memory working set, network in/out per pod) from its HTTP API instead of metrics.k8s.io' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l range -d 'History range with a Prometheus URL, from 10m to 7d; presets as the console\'s: 10m, 20m, 30m, 1h, 2h, 3h, 5h, 12h, 1d, 2d, 3d, 7d [default: 1h]' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l step -d 'Resolution of the range (default: the console\'s step for it, about 30 points)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s w -l watch -d 'Refresh until interrupted, with sparklines of the history'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand monitor" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l current-replicas -d 'Precondition: only scale when the current replicas are this many' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand scale" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l restart-pods -d 'OnDelete (or to push a stuck rollout): delete the pods one at a time, highest ordinal first, waiting for each replacement to be ready'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand redeploy" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l diff -d 'Coloured unified diff between two revisions (default: REV against REV-1, or the newest against the one before)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l sort-by -d 'Sort by this field of the ControllerRevisions (a JSONPath such as .revision) instead of newest first' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l no-headers -d 'Print no header line (table; custom-columns)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand revisions" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l to-revision -d 'The revision to go back to (default: the one before the newest, as kubectl rollout undo)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l insecure-registry -d 'A registry spoken to over plain HTTP (repeatable; loopback ones always are)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l registry-mirror -d 'Look images up in this registry instead: `HOST[:PORT]` for every registry, or `REGISTRY=HOST[:PORT]` for one (e.g. docker.io=mirror:5000) (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l skip-preflight -d 'Roll back even when the preflight finds that the revision\'s pods would not run (a missing Secret, ConfigMap or key, no node that matches or has room)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l skip-image-check -d 'Do not look the images up in their registries before sending'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l partition -d 'Only pods with an ordinal >= N are updated (with --rolling)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l max-unavailable -d 'Pods that may be unavailable during an update, a number or a percentage (with --rolling; the MaxUnavailableStatefulSet feature gate must be on in the cluster)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l rolling -d 'RollingUpdate: pods are replaced one at a time, highest ordinal first'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l on-delete -d 'OnDelete: pods are only replaced when you delete them'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand update-strategy" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l with-service -d 'Also delete its headless Service (kept when other workloads select it)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l keep-service -d 'Keep the headless Service (the default)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l with-pvcs -d 'Also delete the PersistentVolumeClaims made from its volume claim templates'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand delete" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s f -l file -d 'Upload this manifest instead of opening an editor (same diff, confirm and conflict rules)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l export -d 'Write the clean manifest to this file (`-` for stdout) and exit' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l dry-run -d '`server`: the server validates the change but stores nothing' -r -f -a "server\t'Send with dryRun=All: the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l validate -d 'How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]' -r -f -a "strict\t'Refuse an object with an unknown or duplicate field (the server answers 400)'
warn\t'Store the object without the unknown fields and print the server\'s warnings'
ignore\t'Drop unknown fields silently'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-yaml" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s c -l container -d 'Only this container (default: every container; `set`/`unset`: the first one)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l reveal -d 'Resolve ConfigMap and Secret references to their values (Secret values only with this)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -a "set" -d 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -a "unset" -d 'Remove variables by name'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and not __fish_seen_subcommand_from set unset help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l from-secret -d 'A variable from a Secret key: SECRET:KEY (variable name: the key, upper-cased) or VAR=SECRET:KEY' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l from-configmap -d 'A variable from a ConfigMap key: CONFIGMAP:KEY or VAR=CONFIGMAP:KEY' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s c -l container -d 'Only this container (default: every container; `set`/`unset`: the first one)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l dry-run -d 'Show the change but send nothing'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s c -l container -d 'Only this container (default: every container; `set`/`unset`: the first one)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l dry-run -d 'Show the change but send nothing'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "set" -d 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove variables by name'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l alias -d 'The alias (kubesphere.io/alias-name); empty removes it' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l description -d 'The description (kubesphere.io/description); empty removes it' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l label -d 'Set a label KEY=VALUE, or remove one with KEY-' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l annotation -d 'Set an annotation KEY=VALUE, or remove one with KEY-' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l pod-template -d 'Apply --label/--annotation to the pod template instead (triggers a rolling update)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l dry-run -d 'Show the patch but send nothing'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l port -d 'Add or change a port NAME:PORT[:TARGETPORT][/PROTOCOL] (matched by name)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l remove -d 'Remove the port with this name' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s c -l container -d 'The container whose ports --sync-container-ports changes (default: the first)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l sync-container-ports -d 'Also add/remove the matching container ports in the pod template'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l dry-run -d 'Show the change but send nothing'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-service" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l image -d 'Container image' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s p -l port -d 'Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable; edit-template: added, or replaced by name or number)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s e -l env -d 'Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l requests -d 'Resource requests, e.g. cpu=100m,memory=128Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l limits -d 'Resource limits, e.g. cpu=1,memory=512Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l requests-cpu -d 'CPU request, e.g. 250m' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l requests-memory -d 'Memory request, e.g. 256Mi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l limits-cpu -d 'CPU limit, e.g. 1' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l limits-memory -d 'Memory limit, e.g. 1Gi' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l pull-policy -d 'Image pull policy: Always, IfNotPresent or Never' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l command -d 'Start command, a shell-like string' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l args -d 'Arguments, a shell-like string' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l liveness -d 'Liveness probe: `http:[https://]PORT[/PATH]`, `tcp:PORT` or `exec:COMMAND`' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l readiness -d 'Readiness probe (same syntax as --liveness)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l startup -d 'Startup probe (same syntax as --liveness)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l liveness-opts -d 'Liveness probe timing: delay=0,timeout=1,period=10,success=1,failure=3' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l readiness-opts -d 'Readiness probe timing (same syntax as --liveness-opts)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l startup-opts -d 'Startup probe timing (same syntax as --liveness-opts)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l mount -d 'Mount a volume `[CONTAINER@]KIND:SOURCE:PATH[:ro]` (repeatable; see create --help)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l remove-env -d 'edit-template: remove an environment variable by name (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l remove-port -d 'edit-template: remove a container port by `NAME`, `NUMBER` or `NUMBER/PROTOCOL` (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s c -l container -d 'The container flags that follow apply to container NAME, up to the next -c (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l insecure-registry -d 'A registry spoken to over plain HTTP (repeatable; loopback ones always are)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l registry-mirror -d 'Look images up in this registry instead: `HOST[:PORT]` for every registry, or `REGISTRY=HOST[:PORT]` for one (e.g. docker.io=mirror:5000) (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l add-sidecar -d 'Add a sidecar container `NAME=IMAGE[ COMMAND...]` (repeatable; --native: an init container with restartPolicy Always)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l remove-container -d 'Remove a container, init container or sidecar by name (repeatable)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l unmount -d 'Remove a volume and every mount of it (repeatable; never a volume claim template)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l update-strategy -d 'Update strategy: RollingUpdate or OnDelete' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l partition -d 'Rolling update partition: pods with an ordinal below it keep the old revision' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l dry-run -d 'Only show (client) or only validate on the server (server); nothing is stored' -r -f -a "client\t'Build the objects locally; send nothing'
server\t'Send the objects with dryRun=All; the server validates but stores nothing'
none\t'No dry run'"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l timeout -d 'How long --wait waits, e.g. 5m, 30s (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l native -d 'With --add-sidecar: native sidecars (init containers with restartPolicy Always)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l skip-image-check -d 'Do not look the images up in their registries before sending'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l skip-preflight -d 'Send the change even when the preflight finds that the new pods would not run (a missing Secret, ConfigMap or key, no node that matches or has room)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s i -l interactive -d 'Walk the wizard\'s pod and volume questions, prefilled with the current values (terminal only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l wait -d 'Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand edit-template" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l dry-run -d 'Print the plan only'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand resize-volume" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l dir -d 'Write every shell\'s script (and kubectl_complete-statefulset) into this directory' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l dir -d 'Directory to write the man pages into' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand man" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s n -l namespace -d 'Namespace (default: the context\'s namespace, else `default`)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' -r -F
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s o -l output -d 'Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl\'s)' -r -f -a "table\t''
wide\t''
yaml\t''
json\t''
name\t''
jsonpath\t''
jsonpath-as-json\t''
jsonpath-file\t''
custom-columns\t''
custom-columns-file\t''
go-template\t''
go-template-file\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l template -d 'The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file forms) when -o names only the format; alone, it means -o go-template (as kubectl\'s)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l allow-missing-template-keys -d 'With -o jsonpath or go-template: a field missing from the object prints nothing (go-template: `<no value>`) instead of an error, as kubectl\'s default' -r -f -a "true\t''
false\t''"
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l request-timeout -d 'Time to wait for one API request, e.g. 30s, 1m (0 = no limit)' -r
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l no-color -d 'Disable colours (also: NO_COLOR)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s v -l verbose -d 'Log each API request to stderr (repeat for more detail)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s y -l yes -d 'Answer yes to confirmations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -l insecure-skip-tls-verify -d 'Do not verify the server\'s certificate (insecure; for test clusters only)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s h -l help -d 'Print help'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand __complete" -s V -l version -d 'Print version'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "create" -d 'Create a StatefulSet and its headless Service (from flags, a file, or a wizard)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "list" -d 'List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "get" -d 'Show one StatefulSet: summary, ports, service and pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "pods" -d 'The pods of a StatefulSet'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "logs" -d 'Logs of the pods, merged with a `[pod/container]` prefix; -f follows'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "events" -d 'Events of the StatefulSet (--pods: and of its pods and claims)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "top" -d 'CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "scale" -d 'Change the number of replicas (through the scale subresource)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "redeploy" -d 'Restart the pods by a rolling update (kubectl.kubernetes.io/restartedAt); a partition holds back the ordinals below it, OnDelete needs --restart-pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "revisions" -d 'The revision history: list, show one (REV) or diff two (--diff)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "rollback" -d 'Go back to an earlier revision of the pod template'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "update-strategy" -d 'RollingUpdate (with partition) or OnDelete'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "delete" -d 'Delete the StatefulSet, its pods, and on request its Service and PVCs'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "edit-yaml" -d 'Edit the StatefulSet\'s YAML in an editor, or upload/download a manifest'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "env" -d 'Environment variables of the containers: list, set, unset'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "edit" -d 'Alias, description, labels and annotations'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "edit-service" -d 'Ports of the headless Service'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "edit-template" -d 'Containers, volumes, probes, resources and update strategy of the pod template (Edit Config Template)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "resize-volume" -d 'Grow a volume claim template and its PVCs without restarting pods'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "man" -d 'Write the man pages into a directory'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "__complete" -d 'Cobra-style completion protocol used by `kubectl statefulset <TAB>`'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and not __fish_seen_subcommand_from create list get pods logs events top scale redeploy revisions rollback update-strategy delete edit-yaml env edit edit-service edit-template resize-volume completions man __complete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "set" -d 'Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY'
complete -c kubectl-statefulset -n "__fish_kubectl_statefulset_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "unset" -d 'Remove variables by name'
