// cbench.cc - the bridge between C benchmark functions (cbench.h) and
// Google Benchmark.  Everything C-visible is declared in cbench.h; this file
// only adapts.  Besides Google Benchmark it implements the two fixed modes
// (instructions under Callgrind, measuring pass in a child) so that the
// benchmark functions are the same code in every mode.
#include "cbench.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define CBENCH_HAVE_CALLGRIND 1
#endif
#endif
#ifndef CBENCH_HAVE_CALLGRIND
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(name) ((void)(name))
#endif

namespace {

struct Registration {
    std::string name;       // as given
    std::string full_name;  // name/arg0/arg1..., what Google Benchmark shows
    cbench_fn fn;
    void *ctx;
    std::vector<int64_t> args;
    bool instructions_only = false;  // counted under Callgrind, never timed or measured
};

std::vector<Registration> &registry()
{
    static std::vector<Registration> regs;
    return regs;
}

enum class Mode { google, instructions, measure };

}  // namespace

struct cbench_state {
    Mode mode = Mode::google;
    benchmark::State *gb = nullptr;
    const Registration *reg = nullptr;
    // Fixed modes.
    int64_t target_ops = 20000;
    int64_t batch = 0;            // n of the current batch
    int64_t batches_counted = 0;  // counted batches started
    int64_t batches_wanted = 0;
    int64_t iterations = 0;       // counted iterations
    bool started = false;
    bool collecting = false;
    bool paused = false;
    bool failed = false;
    bool finished = false;
    std::string error;
    std::string label;
    std::vector<std::pair<std::string, double>> counters;
};

namespace {

void collect_on(cbench_state *st)
{
    if (!st->collecting) {
        CALLGRIND_TOGGLE_COLLECT;
        st->collecting = true;
    }
}

void collect_off(cbench_state *st)
{
    if (st->collecting) {
        CALLGRIND_TOGGLE_COLLECT;
        st->collecting = false;
    }
}

// Instructions mode: batch 1 is a warm-up (allocator reaches steady state,
// caches and lazy binding are done), then enough batches for target_ops
// operations are counted, and the dump is named after the benchmark.
int fixed_keep_running(cbench_state *st, int64_t n)
{
    if (st->failed || st->finished)
        return 0;
    if (st->mode == Mode::measure) {
        st->finished = true;
        return 0;
    }
    if (n < 1)
        n = 1;
    if (!st->started) {
        st->started = true;
        return 1;  // the warm-up batch
    }
    if (st->batches_counted == 0) {
        st->batch = n;
        st->batches_wanted = (st->target_ops + n - 1) / n;
        if (st->batches_wanted < 1)
            st->batches_wanted = 1;
        CALLGRIND_ZERO_STATS;
        collect_on(st);
        st->batches_counted = 1;
        st->iterations = n;
        return 1;
    }
    if (st->batches_counted < st->batches_wanted) {
        st->batches_counted++;
        st->iterations += n;
        return 1;
    }
    collect_off(st);
    CALLGRIND_DUMP_STATS_AT(st->reg->full_name.c_str());
    st->finished = true;
    return 0;
}

bool parse_flag(const char *arg, const char *flag, const char **value)
{
    size_t len = std::strlen(flag);
    if (std::strncmp(arg, flag, len) != 0)
        return false;
    if (arg[len] == '\0') {
        *value = nullptr;
        return true;
    }
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return true;
    }
    return false;
}

std::string json_string(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::vector<const Registration *> selected(const std::string &filter, Mode mode)
{
    std::vector<const Registration *> out;
    std::regex re(filter.empty() ? std::string(".") : filter);
    for (const Registration &r : registry())
        if ((mode == Mode::instructions || !r.instructions_only) && std::regex_search(r.full_name, re))
            out.push_back(&r);
    return out;
}

int do_register(const char *name, cbench_fn fn, void *ctx, const int64_t *args, size_t nargs,
                bool instructions_only)
{
    if (name == nullptr || fn == nullptr || nargs > 8 || (nargs > 0 && args == nullptr))
        return -1;
    Registration r;
    r.name = name;
    r.full_name = name;
    r.fn = fn;
    r.ctx = ctx;
    r.instructions_only = instructions_only;
    for (size_t i = 0; i < nargs; i++) {
        r.args.push_back(args[i]);
        r.full_name += "/" + std::to_string(args[i]);
    }
    registry().push_back(std::move(r));
    return 0;
}

// fork() with stdio flushed first, so the child does not print the
// parent's buffered output a second time.
pid_t fork_flushed()
{
    std::fflush(stdout);
    std::fflush(stderr);
    return fork();
}

// Wait for a child, retrying on EINTR; usage may be NULL.
int wait_child(pid_t pid, struct rusage *usage)
{
    int wstatus = 0;
    while (wait4(pid, &wstatus, 0, usage) < 0 && errno == EINTR) {
    }
    return wstatus;
}

// Each benchmark in a child of its own, so that its count does not depend
// on what ran before it in the process (glibc's heap, its dynamic mmap
// threshold): adding a benchmark never moves another's figure.  Callgrind
// follows fork(); the dumps carry the benchmark's name.
int run_instructions(const std::vector<const Registration *> &regs, int64_t ops)
{
    int status = 0;
    for (const Registration *r : regs) {
        pid_t pid = fork_flushed();
        if (pid < 0) {
            std::perror("cbench: fork");
            return 1;
        }
        if (pid == 0) {
            cbench_state st;
            st.mode = Mode::instructions;
            st.reg = r;
            st.target_ops = ops;
            r->fn(&st, r->ctx);
            collect_off(&st);
            if (st.failed) {
                std::fprintf(stderr, "cbench: %s failed: %s\n", r->full_name.c_str(), st.error.c_str());
                std::fflush(stderr);
                _exit(2);
            }
            std::printf("cbench-instructions\t%s\t%lld\n", r->full_name.c_str(),
                        static_cast<long long>(st.iterations));
            std::fflush(stdout);
            _exit(0);
        }
        int wstatus = wait_child(pid, nullptr);
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
            std::fprintf(stderr, "cbench: counting %s failed (status %d)\n", r->full_name.c_str(), wstatus);
            status = 1;
        }
    }
    return status;
}

// One child per benchmark, so that its heap and its peak RSS are its own.
int run_measure(const std::vector<const Registration *> &regs)
{
    int status = 0;
    for (const Registration *r : regs) {
        int fds[2];
        if (pipe(fds) != 0) {
            std::perror("cbench: pipe");
            return 1;
        }
        pid_t pid = fork_flushed();
        if (pid < 0) {
            std::perror("cbench: fork");
            return 1;
        }
        if (pid == 0) {
            close(fds[0]);
            cbench_state st;
            st.mode = Mode::measure;
            st.reg = r;
            r->fn(&st, r->ctx);
            std::string out;
            for (auto &c : st.counters) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.17g", c.second);
                out += json_string(c.first) + ": " + buf + ", ";
            }
            out = "\"label\": " + json_string(st.label) + ", \"error\": " + json_string(st.error) +
                  ", \"counters\": {" + (out.empty() ? out : out.substr(0, out.size() - 2)) + "}";
            size_t done = 0;
            while (done < out.size()) {
                ssize_t w = write(fds[1], out.data() + done, out.size() - done);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w <= 0)
                    _exit(3);
                done += static_cast<size_t>(w);
            }
            close(fds[1]);
            _exit(st.failed ? 2 : 0);
        }
        close(fds[1]);
        std::string body;
        char buf[4096];
        for (;;) {
            ssize_t got = read(fds[0], buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            body.append(buf, static_cast<size_t>(got));
        }
        close(fds[0]);
        struct rusage usage;
        std::memset(&usage, 0, sizeof usage);
        int wstatus = wait_child(pid, &usage);
        bool ok = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && !body.empty();
        if (!ok) {
            std::fprintf(stderr, "cbench: measuring %s failed (status %d)\n", r->full_name.c_str(), wstatus);
            status = 1;
            if (body.empty())
                continue;
        }
        std::printf("{\"name\": %s, \"peak_rss_kb\": %ld, %s}\n", json_string(r->full_name).c_str(),
                    usage.ru_maxrss, body.c_str());
        std::fflush(stdout);
    }
    return status;
}

void run_google(benchmark::State &state, const Registration *r)
{
    cbench_state st;
    st.mode = Mode::google;
    st.gb = &state;
    st.reg = r;
    r->fn(&st, r->ctx);
}

}  // namespace

extern "C" {

int cbench_register(const char *name, cbench_fn fn, void *ctx, const int64_t *args, size_t nargs)
{
    return do_register(name, fn, ctx, args, nargs, false);
}

int cbench_register_instructions_only(const char *name, cbench_fn fn, void *ctx, const int64_t *args,
                                      size_t nargs)
{
    return do_register(name, fn, ctx, args, nargs, true);
}

int cbench_main(int argc, char **argv)
{
    Mode mode = Mode::google;
    bool list = false;
    std::string filter;
    int64_t ops = 20000;
    std::vector<char *> rest;
    for (int i = 0; i < argc; i++) {
        const char *value = nullptr;
        if (i > 0 && parse_flag(argv[i], "--cbench_instructions", &value)) {
            mode = Mode::instructions;
        } else if (i > 0 && parse_flag(argv[i], "--cbench_measure", &value)) {
            mode = Mode::measure;
        } else if (i > 0 && parse_flag(argv[i], "--cbench_list", &value)) {
            list = true;
        } else if (i > 0 && parse_flag(argv[i], "--cbench_filter", &value) && value) {
            filter = value;
        } else if (i > 0 && parse_flag(argv[i], "--cbench_ops", &value) && value) {
            char *end = nullptr;
            long long v = std::strtoll(value, &end, 10);
            if (*value == '\0' || *end != '\0' || v < 1) {
                std::fprintf(stderr, "cbench: --cbench_ops wants a positive integer, not '%s'\n", value);
                return 1;
            }
            ops = v;
        } else {
            rest.push_back(argv[i]);
        }
    }
    if (mode != Mode::google) {
        std::vector<const Registration *> regs;
        try {
            regs = selected(filter, mode);
        } catch (const std::regex_error &e) {
            std::fprintf(stderr, "cbench: bad --cbench_filter '%s': %s\n", filter.c_str(), e.what());
            return 1;
        }
        if (regs.empty()) {
            std::fprintf(stderr, "cbench: no benchmark matches --cbench_filter='%s'\n", filter.c_str());
            return 1;
        }
        if (list) {
            for (const Registration *r : regs)
                std::printf("%s\n", r->full_name.c_str());
            return 0;
        }
        return mode == Mode::instructions ? run_instructions(regs, ops) : run_measure(regs);
    }
    for (const Registration &r : registry()) {
        const Registration *rp = &r;
        if (r.instructions_only)
            continue;
        benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
            r.name.c_str(), [rp](benchmark::State &s) { run_google(s, rp); });
        if (!r.args.empty())
            b->Args(r.args);
        b->Unit(benchmark::kNanosecond);
    }
    int gb_argc = static_cast<int>(rest.size());
    rest.push_back(nullptr);
    benchmark::Initialize(&gb_argc, rest.data());
    if (benchmark::ReportUnrecognizedArguments(gb_argc, rest.data()))
        return 1;
    // A filter that matches nothing ran nothing: that is a failure, not a
    // success with an empty report (Google Benchmark prints which regex).
    size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (ran == 0) {
        std::fprintf(stderr, "cbench: no benchmark matches the filter (see --benchmark_list_tests)\n");
        return 1;
    }
    return 0;
}

int cbench_keep_running(cbench_state *st)
{
    if (st->mode == Mode::google)
        return st->gb->KeepRunning();
    return fixed_keep_running(st, 1);
}

int cbench_keep_running_batch(cbench_state *st, int64_t n)
{
    if (st->mode == Mode::google)
        return st->gb->KeepRunningBatch(n);
    return fixed_keep_running(st, n);
}

void cbench_pause_timing(cbench_state *st)
{
    if (st->mode == Mode::google) {
        st->gb->PauseTiming();
    } else if (st->collecting) {
        collect_off(st);
        st->paused = true;
    }
}

void cbench_resume_timing(cbench_state *st)
{
    if (st->mode == Mode::google) {
        st->gb->ResumeTiming();
    } else if (st->paused) {
        st->paused = false;
        collect_on(st);
    }
}

int64_t cbench_arg(const cbench_state *st, size_t i)
{
    if (i >= st->reg->args.size())
        return 0;
    return st->reg->args[i];
}

int64_t cbench_iterations(const cbench_state *st)
{
    if (st->mode == Mode::google)
        return static_cast<int64_t>(st->gb->iterations());
    return st->iterations;
}

int cbench_measuring(const cbench_state *st)
{
    return st->mode == Mode::measure;
}

void cbench_set_counter(cbench_state *st, const char *name, double value, cbench_counter_kind kind)
{
    if (st->mode == Mode::google) {
        benchmark::Counter::Flags flags = benchmark::Counter::kDefaults;
        if (kind == CBENCH_COUNTER_RATE)
            flags = benchmark::Counter::kIsRate;
        else if (kind == CBENCH_COUNTER_AVG_ITERATIONS)
            flags = benchmark::Counter::kAvgIterations;
        st->gb->counters[name] = benchmark::Counter(value, flags);
        return;
    }
    for (auto &c : st->counters) {
        if (c.first == name) {
            c.second = value;
            return;
        }
    }
    st->counters.emplace_back(name, value);
}

void cbench_set_items_processed(cbench_state *st, int64_t items)
{
    if (st->mode == Mode::google)
        st->gb->SetItemsProcessed(items);
    else
        cbench_set_counter(st, "items", static_cast<double>(items), CBENCH_COUNTER_PLAIN);
}

void cbench_set_label(cbench_state *st, const char *label)
{
    if (st->mode == Mode::google)
        st->gb->SetLabel(label);
    else
        st->label = label;
}

void cbench_skip_with_error(cbench_state *st, const char *message)
{
    if (st->mode == Mode::google) {
        st->gb->SkipWithError(message);
    } else {
        st->failed = true;
        st->error = message;
        collect_off(st);
    }
}

}  // extern "C"
