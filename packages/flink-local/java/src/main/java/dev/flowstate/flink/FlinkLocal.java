package dev.flowstate.flink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.rest.RestServerEndpoint;
import org.apache.flink.table.gateway.api.endpoint.SqlGatewayEndpoint;
import org.apache.flink.table.gateway.api.endpoint.SqlGatewayEndpointFactoryUtils;
import org.apache.flink.table.gateway.service.SqlGatewayServiceImpl;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.session.SessionManager;

/**
 * A local Apache Flink in one JVM: a MiniCluster (JobManager + one TaskManager, REST API and web
 * dashboard) and Flink's own SQL Gateway (REST endpoint) that submits to it as a remote cluster.
 *
 * <p>What flink-dist's scripts would do with bin/start-cluster.sh + bin/sql-gateway.sh, from
 * Maven Central jars only. Everything binds to 127.0.0.1. When both endpoints are up, one line is
 * printed on stdout:
 *
 * <pre>FLINK_READY {"restUrl":"http://127.0.0.1:…","gatewayUrl":"http://127.0.0.1:…",…}</pre>
 *
 * <p>Arguments: {@code --rest-port N} and {@code --gateway-port N} (0 = a free port, the default),
 * {@code --slots N} (task slots, default 8), {@code --parent-pid N} (exit when that process is gone),
 * {@code --exit-on-stdin-eof} (exit when stdin closes, so it never outlives a parent that spawned it
 * with a pipe), {@code --delete-tmpdir-on-exit} (java.io.tmpdir is private to this JVM: remove it), and any number of {@code -Dkey=value} Flink options applied to the cluster and to
 * the gateway's session defaults. SIGINT/SIGTERM stop the gateway and the cluster cleanly.
 */
public final class FlinkLocal {
    private static final String HOST = "127.0.0.1";

    private MiniCluster cluster;
    private SessionManager sessions;
    private final List<SqlGatewayEndpoint> endpoints = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int restPort = 0;
        int gatewayPort = 0;
        int slots = 8;
        long parentPid = -1;
        boolean exitOnEndOfInput = false;
        boolean deleteTmpDir = false;
        Map<String, String> extra = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--rest-port" -> restPort = Integer.parseInt(args[++i]);
                case "--gateway-port" -> gatewayPort = Integer.parseInt(args[++i]);
                case "--slots" -> slots = Integer.parseInt(args[++i]);
                case "--parent-pid" -> parentPid = Long.parseLong(args[++i]);
                case "--exit-on-stdin-eof" -> exitOnEndOfInput = true;
                case "--delete-tmpdir-on-exit" -> deleteTmpDir = true;
                default -> {
                    int eq = a.indexOf('=');
                    if (!a.startsWith("-D") || eq < 0) {
                        System.err.println("FlinkLocal: unknown argument " + a);
                        System.exit(2);
                    }
                    extra.put(a.substring(2, eq), a.substring(eq + 1));
                }
            }
        }

        FlinkLocal local = new FlinkLocal();
        boolean ownTmpDir = deleteTmpDir;
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    local.stop();
                                    if (ownTmpDir) deleteTree(Path.of(System.getProperty("java.io.tmpdir")));
                                },
                                "flink-local-shutdown"));
        watchParent(parentPid);
        try {
            String restUrl = local.startCluster(restPort, slots, extra);
            String gatewayUrl = local.startGateway(restUrl, gatewayPort, extra);
            String dashboard = servesDashboard(restUrl) ? restUrl + "/" : null;
            System.out.println(
                    "FLINK_READY {\"restUrl\":\"" + restUrl + "\",\"gatewayUrl\":\"" + gatewayUrl
                            + "\",\"dashboardUrl\":" + (dashboard == null ? "null" : "\"" + dashboard + "\"")
                            + ",\"flinkVersion\":\"" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion()
                            + "\",\"pid\":" + ProcessHandle.current().pid() + "}");
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("FlinkLocal: start failed");
            t.printStackTrace();
            System.exit(1); // runs the shutdown hook, which closes whatever had started
        }
        if (exitOnEndOfInput) {
            // The parent spawned us with a pipe: its end (exit, crash, or stop()) ends this JVM.
            waitForEndOfInput(System.in);
            System.exit(0);
        }
        // Otherwise the cluster's non-daemon threads keep the JVM up until SIGINT/SIGTERM.
    }

    /** Flink options shared by the cluster and the gateway's sessions. */
    private static Configuration baseConfig(Map<String, String> extra) {
        Configuration conf = new Configuration();
        conf.setString("table.local-time-zone", "UTC");
        extra.forEach(conf::setString);
        return conf;
    }

    /** Starts the MiniCluster; returns its REST (and dashboard) URL. */
    private String startCluster(int restPort, int slots, Map<String, String> extra) throws Exception {
        Configuration conf = baseConfig(extra);
        conf.set(RestOptions.ADDRESS, HOST);
        conf.set(RestOptions.BIND_ADDRESS, HOST);
        conf.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        conf.set(JobManagerOptions.ADDRESS, HOST);
        conf.set(JobManagerOptions.BIND_HOST, HOST);
        conf.set(TaskManagerOptions.HOST, HOST);
        conf.set(TaskManagerOptions.BIND_HOST, HOST);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.setString("blob.server.bind-host", HOST);

        MiniClusterConfiguration mcc =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(slots)
                        .setCommonBindAddress(HOST)
                        .build();
        cluster = new MiniCluster(mcc);
        cluster.start();
        URI rest = cluster.getRestAddress().get();
        return "http://" + HOST + ":" + rest.getPort();
    }

    /**
     * Starts the SQL Gateway the way {@code org.apache.flink.table.gateway.SqlGateway#start} does,
     * but from a Configuration built here (no FLINK_CONF_DIR) and keeping the endpoints so the bound
     * port can be read back. Sessions submit to the MiniCluster as {@code execution.target: remote}.
     */
    private String startGateway(String restUrl, int gatewayPort, Map<String, String> extra) throws Exception {
        URI rest = URI.create(restUrl);
        Configuration conf = baseConfig(extra);
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort());
        conf.setString("sql-gateway.endpoint.type", "rest");
        conf.setString("sql-gateway.endpoint.rest.address", HOST);
        conf.setString("sql-gateway.endpoint.rest.bind-address", HOST);
        conf.setString("sql-gateway.endpoint.rest.bind-port", Integer.toString(gatewayPort));

        sessions = SessionManager.create(new DefaultContext(conf, List.of()));
        sessions.start();
        endpoints.addAll(
                SqlGatewayEndpointFactoryUtils.createSqlGatewayEndpoint(new SqlGatewayServiceImpl(sessions), conf));
        int port = -1;
        for (SqlGatewayEndpoint endpoint : endpoints) {
            endpoint.start();
            if (endpoint instanceof RestServerEndpoint r) port = r.getServerAddress().getPort();
        }
        if (port < 0) throw new IllegalStateException("the SQL Gateway started no REST endpoint");
        return "http://" + HOST + ":" + port;
    }

    /** flink-runtime-web on the classpath makes the REST endpoint serve the dashboard at "/". */
    private static boolean servesDashboard(String restUrl) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create(restUrl + "/"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("<html");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Stops the gateway, then the cluster; safe to call twice (exit path + shutdown hook). */
    private synchronized void stop() {
        for (SqlGatewayEndpoint endpoint : endpoints) {
            try {
                endpoint.stop();
            } catch (Exception e) {
                System.err.println("FlinkLocal: stopping a gateway endpoint: " + e);
            }
        }
        endpoints.clear();
        if (sessions != null) {
            sessions.stop();
            sessions = null;
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("FlinkLocal: closing the MiniCluster: " + e);
            }
            cluster = null;
        }
    }

    /**
     * Removes the JVM's private temp dir (blob store, web uploads, the extracted planner jar). Flink's own
     * shutdown hooks delete their dirs at the same time, so a walk can trip over a vanished file: retry.
     */
    private static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // retried; the parent removes the dir too when it is still alive
            }
        }
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // input is ignored; only its end matters
            }
        } catch (IOException e) {
            // a broken stdin means the parent is gone too
        }
    }

    /** Exits when the parent process ends, even if stdin was not a pipe (e.g. inherited from a shell). */
    private static void watchParent(long parentPid) {
        if (parentPid <= 0) return;
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        p -> p.onExit().thenRun(() -> System.exit(0)),
                        () -> System.exit(0));
    }
}
