/*
 * progress.c: see progress.h.
 */
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "progress.h"

#define BAR_MIN 10

double
progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_human(off_t n, char *out, size_t outsz)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(out, outsz, "%lld B", (long long)n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(out, outsz, v < 10.0 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

void
progress_eta(double seconds, char *out, size_t outsz)
{
	long s;

	if (!(seconds >= 0.0) || seconds > 99.0 * 3600.0) {
		snprintf(out, outsz, "--:--");
		return;
	}
	s = (long)(seconds + 0.5);
	if (s >= 3600)
		snprintf(out, outsz, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
		    s % 60);
	else
		snprintf(out, outsz, "%02ld:%02ld", s / 60, s % 60);
}

void
progress_format(char *out, size_t outsz, const char *name, off_t bytes,
    off_t total, double rate, double elapsed, int done, int width)
{
	char hb[16], hr[16], eta[16], tail[96], bar[256];
	int pct = -1, bar_w, fill, name_w, i;
	size_t tail_len;

	progress_human(bytes, hb, sizeof(hb));
	progress_human((off_t)(rate > 0 ? rate : 0), hr, sizeof(hr));
	if (done)
		progress_eta(elapsed, eta, sizeof(eta));
	else if (total > 0 && rate > 0 && bytes <= total)
		progress_eta((double)(total - bytes) / rate, eta, sizeof(eta));
	else
		progress_eta(-1, eta, sizeof(eta));
	if (total > 0)
		pct = bytes >= total ? 100 : (int)((double)bytes * 100.0 / (double)total);
	else if (total == 0 && done)
		pct = 100;
	if (pct >= 0)
		snprintf(tail, sizeof(tail), " %3d%% %9s %9s/s %s %s", pct, hb,
		    hr, done ? "in " : "ETA", eta);
	else
		snprintf(tail, sizeof(tail), " %9s %9s/s %s %s", hb, hr,
		    done ? "in " : "   ", eta);
	tail_len = strlen(tail);
	if (width < 20)
		width = 20;
	/* The name gets up to a third of the line, the bar what is left. */
	name_w = (int)strlen(name);
	if (name_w > width / 3)
		name_w = width / 3;
	bar_w = width - name_w - (int)tail_len - 3;
	if (pct < 0 || bar_w < BAR_MIN)
		bar_w = 0;
	if (bar_w > (int)sizeof(bar) - 3)
		bar_w = (int)sizeof(bar) - 3;
	bar[0] = '\0';
	if (bar_w > 0) {
		fill = pct * bar_w / 100;
		bar[0] = ' ';
		bar[1] = '[';
		for (i = 0; i < bar_w; i++)
			bar[2 + i] = i < fill ? '#' : (i == fill ? '>' : ' ');
		if (fill >= bar_w)
			bar[1 + bar_w] = '#';
		bar[2 + bar_w] = ']';
		bar[3 + bar_w] = '\0';
	}
	snprintf(out, outsz, "%-*.*s%s%s", name_w, name_w, name, bar, tail);
}

static int
term_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Columns left free at the right of the bar: room for the "^C" echo. */
#define BAR_SLACK 3

static void
draw(struct progress *p)
{
	char line[512];
	double now = progress_now(), el = now - p->t0, rate;

	rate = el > 0.0 ? (double)(p->bytes - p->offset) / el : 0.0;
	progress_format(line, sizeof(line), p->name, p->bytes, p->total, rate,
	    el, 0, term_width(p->out) - BAR_SLACK);
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->last = now;
	p->drawn = 1;
}

void
progress_summary(char *out, size_t outsz, const char *name, off_t bytes,
    double seconds, int upload)
{
	static const char *const units[] = { "B/s", "KiB/s", "MiB/s", "GiB/s",
	    "TiB/s" };
	double rate = seconds > 0.0 ? (double)bytes / seconds : 0.0;
	size_t u = 0;

	if (!(seconds >= 0.0))
		seconds = 0.0;
	/* A transfer too fast to time counts as taking a millisecond. */
	if (bytes > 0 && seconds < 0.001)
		rate = (double)bytes / 0.001;
	while (rate >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		rate /= 1024.0;
		u++;
	}
	snprintf(out, outsz, "%s: %lld bytes %s in %.1f s (%.2f %s)", name,
	    (long long)bytes, upload ? "sent" : "received", seconds, rate,
	    units[u]);
}

const char *
progress_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

void
progress_begin(struct progress *p, const char *name, off_t total,
    off_t offset, int enabled, FILE *out)
{
	memset(p, 0, sizeof(*p));
	if (xstrlcpy(p->name, name, sizeof(p->name)) < 0)
		p->name[sizeof(p->name) - 2] = '~';
	p->total = total;
	p->offset = p->bytes = offset;
	p->t0 = progress_now();
	p->last = 0.0;		/* the first bytes draw at once */
	p->enabled = enabled;
	p->out = out;
}

void
progress_update(struct progress *p, off_t bytes)
{
	p->bytes = bytes;
	if (p->enabled && p->t1 == 0.0 && progress_now() - p->last >= 0.1)
		draw(p);
}

void
progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->drawn = 0;
	}
}

void
progress_end(struct progress *p)
{
	progress_clear(p);
	if (p->t1 == 0.0)
		p->t1 = progress_now();
}

void
progress_report(const struct progress *p, FILE *f, int upload)
{
	progress_report_with(p, f, upload, NULL);
}

void
progress_report_with(const struct progress *p, FILE *f, int upload,
    const char *suffix)
{
	char line[256];
	double t1 = p->t1 != 0.0 ? p->t1 : progress_now();

	progress_summary(line, sizeof(line), p->name, p->bytes - p->offset,
	    t1 - p->t0, upload);
	fprintf(f, "%s%s\n", line, suffix != NULL ? suffix : "");
	fflush(f);
}
