/*
 * cascade_igraph.c — brute-force single-service criticality on igraph's C API, as a
 * reference for `bulwark criticality` (bench/README.md, "Cascades").
 *
 * igraph is GPL: this program is a separate benchmark executable, built only when
 * meson finds igraph (bench/meson.build), and never linked with libbulwark.
 *
 * The model is the one bulwark uses for one service whose dependencies are all network
 * links (docs/cascade.md; the European grid in data/grid/eu is exactly that): links
 * are undirected edges, the sources are the sites whose `supplies` include the service,
 * and a site has the service when a path of working sites joins it to a working source.
 * For every site v (or a sample) it runs one reachability computation from the sources
 * other than v and counts the sites that lose every path to a source: baseline-reached
 * sites not reached, not counting v itself. Two brute forces are timed, each on all the
 * sites examined, and must agree:
 *   bfs      igraph_bfs with all working sources as roots, restricted to the vertices
 *            other than v (igraph's own BFS: the idiomatic way; it rebuilds a lazy
 *            adjacency list, with one allocation per vertex visited, on every call);
 *   adjlist  igraph_adjlist_init once, then a plain array BFS per removed site over
 *            igraph_adjlist_get (the fastest brute force on igraph's data structures:
 *            no allocation per call).
 *
 * It reads the CSV files directly (no quoting is handled: bulwark's grid exports have
 * none): sites.csv needs the columns `id` and `supplies` (';'-separated), deps.csv
 * `site`, `supplier`, `service` and `kind`; only rows of --service with kind `link`
 * are used (others are an error: the brute force knows links only).
 *
 * usage: cascade_igraph SITES.csv DEPS.csv [--service power] [--step K] [--out FILE]
 *                       [--only bfs|adjlist]
 *   --step K   only every K-th site in file order (default 1: all)
 *   --out FILE write "id<TAB>sites_lost" for every site examined
 *   --only M   time one of the two brute forces only
 * Prints the time of the sweep alone (BFS calls; not the CSV parsing and graph build)
 * and "RESULT key value" lines for bench/run-cascade.sh.
 */
#include <igraph.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- tiny CSV reading (no quotes) and an id hash table --------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    long len;
    char *buf;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* Splits one line (NUL-terminated, modified in place) into at most max fields. */
static int split(char *line, char **field, int max)
{
    int n = 0;
    field[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',' && n < max) {
            *p = '\0';
            field[n++] = p + 1;
        }
    return n;
}

static int column(char **field, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(field[i], name) == 0)
            return i;
    return -1;
}

struct idmap {
    size_t cap;
    const char **key;
    long *val;
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void idmap_put(struct idmap *m, const char *k, long v)
{
    size_t i = hash(k) & (m->cap - 1);
    while (m->key[i])
        i = (i + 1) & (m->cap - 1);
    m->key[i] = k;
    m->val[i] = v;
}

static long idmap_get(const struct idmap *m, const char *k)
{
    size_t i = hash(k) & (m->cap - 1);
    while (m->key[i]) {
        if (strcmp(m->key[i], k) == 0)
            return m->val[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static char *next_line(char **p)
{
    char *line = *p, *e;
    if (!*line)
        return NULL;
    e = strchr(line, '\n');
    if (e) {
        *e = '\0';
        *p = e + 1;
    } else {
        *p = line + strlen(line);
    }
    if (e && e > line && e[-1] == '\r')
        e[-1] = '\0';
    return line;
}

int main(int argc, char **argv)
{
    const char *sites_path = NULL, *deps_path = NULL, *service = "power", *out_path = NULL,
               *only = NULL;
    int have_bfs = 0;
    long step = 1;
    char *sites_buf, *deps_buf, *p, *line, *f[64];
    int nf, c_id, c_sup, c_site, c_supplier, c_service, c_kind;
    long n = 0, cap_ids = 1024, nsrc = 0, base_count = 0, examined = 0;
    const char **ids;
    char *is_src;
    struct idmap map;
    igraph_vector_int_t edges, roots, restricted, order;
    igraph_t graph;
    char *base;
    long *lost;
    double t0, t_sweep;
    FILE *out = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--service") == 0 && i + 1 < argc)
            service = argv[++i];
        else if (strcmp(argv[i], "--step") == 0 && i + 1 < argc)
            step = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (argv[i][0] != '-' && !sites_path)
            sites_path = argv[i];
        else if (argv[i][0] != '-' && !deps_path)
            deps_path = argv[i];
        else {
            fprintf(stderr, "usage: cascade_igraph SITES.csv DEPS.csv [--service S] "
                            "[--step K] [--out FILE] [--only bfs|adjlist]\n");
            return 2;
        }
    }
    if (!sites_path || !deps_path || step < 1) {
        fprintf(stderr, "usage: cascade_igraph SITES.csv DEPS.csv [--service S] [--step K] "
                        "[--out FILE] [--only bfs|adjlist]\n");
        return 2;
    }
    sites_buf = slurp(sites_path);
    deps_buf = slurp(deps_path);
    if (!sites_buf || !deps_buf) {
        fprintf(stderr, "cascade_igraph: cannot read %s or %s\n", sites_path, deps_path);
        return 1;
    }

    /* Sites: ids and sources. */
    p = sites_buf;
    line = next_line(&p);
    nf = split(line, f, 64);
    c_id = column(f, nf, "id");
    c_sup = column(f, nf, "supplies");
    if (c_id < 0) {
        fprintf(stderr, "cascade_igraph: %s has no id column\n", sites_path);
        return 1;
    }
    ids = malloc((size_t)cap_ids * sizeof *ids);
    is_src = malloc((size_t)cap_ids);
    while ((line = next_line(&p)) != NULL) {
        if (!*line)
            continue;
        nf = split(line, f, 64);
        if (n == cap_ids) {
            cap_ids *= 2;
            ids = realloc(ids, (size_t)cap_ids * sizeof *ids);
            is_src = realloc(is_src, (size_t)cap_ids);
        }
        ids[n] = f[c_id];
        is_src[n] = 0;
        if (c_sup >= 0 && c_sup < nf) {
            char *q = f[c_sup];
            size_t len = strlen(service);
            while (*q) {
                char *e = strchr(q, ';');
                size_t l = e ? (size_t)(e - q) : strlen(q);
                if (l == len && strncmp(q, service, len) == 0)
                    is_src[n] = 1;
                q += l + (e != NULL);
            }
        }
        nsrc += is_src[n];
        n++;
    }
    map.cap = 1;
    while (map.cap < 2 * (size_t)n + 2)
        map.cap *= 2;
    map.key = calloc(map.cap, sizeof *map.key);
    map.val = calloc(map.cap, sizeof *map.val);
    for (long i = 0; i < n; i++)
        idmap_put(&map, ids[i], i);

    /* Links. */
    igraph_vector_int_init(&edges, 0);
    p = deps_buf;
    line = next_line(&p);
    nf = split(line, f, 64);
    c_site = column(f, nf, "site");
    c_supplier = column(f, nf, "supplier");
    c_service = column(f, nf, "service");
    c_kind = column(f, nf, "kind");
    if (c_site < 0 || c_supplier < 0 || c_service < 0) {
        fprintf(stderr, "cascade_igraph: %s lacks site, supplier or service\n", deps_path);
        return 1;
    }
    while ((line = next_line(&p)) != NULL) {
        long a, b;
        if (!*line)
            continue;
        nf = split(line, f, 64);
        if (strcmp(f[c_service], service) != 0)
            continue;
        if (c_kind < 0 || c_kind >= nf || strcmp(f[c_kind], "link") != 0) {
            fprintf(stderr, "cascade_igraph: only undirected links are supported (%s,%s)\n",
                    f[c_site], f[c_supplier]);
            return 1;
        }
        a = idmap_get(&map, f[c_site]);
        b = idmap_get(&map, f[c_supplier]);
        if (a < 0 || b < 0) {
            fprintf(stderr, "cascade_igraph: unknown site in %s,%s\n", f[c_site], f[c_supplier]);
            return 1;
        }
        igraph_vector_int_push_back(&edges, a);
        igraph_vector_int_push_back(&edges, b);
    }
    igraph_create(&graph, &edges, (igraph_integer_t)n, IGRAPH_UNDIRECTED);
    printf("igraph %s: %ld vertices, %ld edges, %ld sources of %s\n", IGRAPH_VERSION, n,
           (long)igraph_ecount(&graph), nsrc, service);

    /* Baseline: everything reached from the sources. Vertices with no link are not in
     * the service network at all (they need nothing) and count as never lost. */
    igraph_vector_int_init(&roots, 0);
    igraph_vector_int_init(&restricted, 0);
    igraph_vector_int_init(&order, 0);
    base = calloc((size_t)n + 1, 1);
    lost = calloc((size_t)n + 1, sizeof *lost);
    for (long i = 0; i < n; i++)
        if (is_src[i])
            igraph_vector_int_push_back(&roots, i);
    if (nsrc > 0) {
        igraph_bfs(&graph, 0, &roots, IGRAPH_ALL, 0, NULL, &order, NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL);
        for (long i = 0; i < igraph_vector_int_size(&order); i++) {
            igraph_integer_t x = VECTOR(order)[i];
            if (x < 0)
                break;
            base[x] = 1;
            base_count++;
        }
    }

    if (out_path && !(out = fopen(out_path, "w"))) {
        fprintf(stderr, "cascade_igraph: cannot write %s\n", out_path);
        return 1;
    }

    /* Brute force 1: igraph_bfs per removed site, restricted to the other vertices. */
    if (!only || strcmp(only, "bfs") == 0) {
        examined = 0;
        t0 = now();
        for (long v = 0; v < n; v += step) {
            long reached = 0;
            igraph_vector_int_clear(&roots);
            igraph_vector_int_clear(&restricted);
            for (long i = 0; i < n; i++) {
                if (i == v)
                    continue;
                igraph_vector_int_push_back(&restricted, i);
                if (is_src[i])
                    igraph_vector_int_push_back(&roots, i);
            }
            if (igraph_vector_int_size(&roots) > 0) {
                igraph_bfs(&graph, 0, &roots, IGRAPH_ALL, 0, &restricted, &order, NULL, NULL,
                           NULL, NULL, NULL, NULL, NULL);
                for (long i = 0; i < igraph_vector_int_size(&order); i++) {
                    if (VECTOR(order)[i] < 0)
                        break;
                    reached++;
                }
            }
            lost[v] = base_count - reached - base[v];
            examined++;
        }
        t_sweep = now() - t0;
        printf("igraph_bfs brute force: %ld sites (every %ld-th) in %.3f s = %.1f us per site; "
               "baseline reached %ld of %ld\n",
               examined, step, t_sweep, 1e6 * t_sweep / (double)examined, base_count, n);
        printf("RESULT igraph_bfs_examined %ld\n", examined);
        printf("RESULT igraph_bfs_sweep_s %.6g\n", t_sweep);
        printf("RESULT igraph_bfs_full_s %.6g\n", t_sweep / (double)examined * (double)n);
        have_bfs = 1;
    }

    /* Brute force 2: adjacency list built once by igraph, plain array BFS per site. */
    if (!only || strcmp(only, "adjlist") == 0) {
        igraph_adjlist_t al;
        long *queue = malloc(((size_t)n + 1) * sizeof *queue);
        unsigned *seen = calloc((size_t)n + 1, sizeof *seen);
        unsigned stamp = 0;
        long mismatches = 0;
        t0 = now();
        igraph_adjlist_init(&graph, &al, IGRAPH_ALL, IGRAPH_LOOPS_TWICE, IGRAPH_MULTIPLE);
        examined = 0;
        for (long v = 0; v < n; v += step) {
            long head = 0, tail = 0, got;
            stamp++;
            seen[v] = stamp; /* removed: never entered */
            for (long i = 0; i < n; i++)
                if (is_src[i] && i != v) {
                    seen[i] = stamp;
                    queue[tail++] = i;
                }
            while (head < tail) {
                igraph_vector_int_t *nb = igraph_adjlist_get(&al, queue[head++]);
                igraph_integer_t k = igraph_vector_int_size(nb);
                for (igraph_integer_t j = 0; j < k; j++) {
                    igraph_integer_t x = VECTOR(*nb)[j];
                    if (seen[x] != stamp) {
                        seen[x] = stamp;
                        queue[tail++] = x;
                    }
                }
            }
            got = base_count - tail - base[v];
            if (have_bfs && got != lost[v])
                mismatches++;
            lost[v] = got;
            examined++;
        }
        t_sweep = now() - t0;
        igraph_adjlist_destroy(&al);
        free(queue);
        free(seen);
        printf("igraph_adjlist brute force: %ld sites (every %ld-th) in %.3f s = %.1f us per "
               "site (adjacency list built once, included)\n",
               examined, step, t_sweep, 1e6 * t_sweep / (double)examined);
        printf("RESULT igraph_adj_examined %ld\n", examined);
        printf("RESULT igraph_adj_sweep_s %.6g\n", t_sweep);
        printf("RESULT igraph_adj_full_s %.6g\n", t_sweep / (double)examined * (double)n);
        if (mismatches) {
            fprintf(stderr, "cascade_igraph: the two brute forces disagree on %ld sites\n",
                    mismatches);
            return 1;
        }
    }
    if (out) {
        for (long v = 0; v < n; v += step)
            fprintf(out, "%s\t%ld\n", ids[v], lost[v]);
        fclose(out);
    }
    igraph_vector_int_destroy(&edges);
    igraph_vector_int_destroy(&roots);
    igraph_vector_int_destroy(&restricted);
    igraph_vector_int_destroy(&order);
    igraph_destroy(&graph);
    free(base);
    free(lost);
    free(ids);
    free(is_src);
    free(map.key);
    free(map.val);
    free(sites_buf);
    free(deps_buf);
    return 0;
}
