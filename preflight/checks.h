/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checks.h - the table of checks and what each one returns.
 *
 * A check is a pure function of the host snapshot: it reads no files and
 * prints nothing. It fills exactly one result: a level, one line of
 * message naming the devices, and for every non-pass level a hint that
 * says the exact fix. Ids are stable: people grep dmesg for them.
 * Adding a check is one function and one row in check_table.
 */
#ifndef VFP_CHECKS_H
#define VFP_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"
#include "strbuf.h"

enum level { LEVEL_PASS, LEVEL_NOTE, LEVEL_WARN, LEVEL_FAIL, LEVEL_COUNT };

/* sized so that prefix + id + message + hint fit one 1 KiB kmsg record */
#define CHECK_MSG_LEN  600
#define CHECK_HINT_LEN 360
/* a list inside a message leaves room for the sentence around it */
#define ITEMS_LEN      (CHECK_MSG_LEN - 200)

struct check_result {
	const char *id;
	enum level level;
	char message[CHECK_MSG_LEN];
	char hint[CHECK_HINT_LEN];
};

#define PHASES_RUNTIME ((1u << PHASE_CHECK) | (1u << PHASE_PREDICT) | (1u << PHASE_VERIFY))
#define PHASES_UPGRADE (1u << PHASE_UPGRADE)

struct check {
	const char *id;
	void (*run)(const struct host *h, struct check_result *r);
	unsigned phases; /* bit per enum phase */
};

extern const struct check check_table[];
extern const size_t check_count;

struct report {
	struct check_result *results;
	size_t n;
	enum level verdict; /* worst level, notes excepted */
	bool iommu_active;
	bool headless;
};

/* Run the checks of h->phase; returns 0 or -ENOMEM. */
int report_run(const struct host *h, struct report *rep);
void report_free(struct report *rep);

const char *level_name(enum level l);  /* "pass" */
const char *level_tag(enum level l);   /* "PASS" */
int level_kmsg_priority(enum level l); /* FAIL 3, WARN 4, NOTE 5, PASS 6 */
const char *level_color(enum level l); /* the ANSI colour of the tag */

void result_set(struct check_result *r, enum level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the last step of most fixes: the image must carry the changed files */
#define REBUILD_STEP ", then run update-initramfs -u -k all"
/* result_hint, then REBUILD_STEP (one copy of it in the binary, not one per fix) */
void result_hint_rebuild(struct check_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void result_hint(struct check_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A list of items in a message that says "(+N more)" instead of
 * silently losing the items that do not fit.
 */
struct item_list {
	struct strbuf sb;
	unsigned shown, omitted;
};
void items_begin(struct item_list *il, char *buf, size_t cap);
void items_add(struct item_list *il, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *items_end(struct item_list *il);

/* where a hint says to edit the kernel command line, and what to run then */
const char *host_cmdline_file_hint(const struct host *h);

/* shared judgements, also used by the JSON renderer */
bool dev_blocks_group(const struct host *h, const struct pci_func *d);
const char *dev_later_driver(const struct host *h, const struct pci_func *d);
bool dev_is_host_device(const struct host *h, const struct pci_func *d);
struct display_state {
	size_t displays, kept, claimed;
	const struct pci_func *boot_vga; /* the firmware's display, if known */
	const struct pci_func *first_kept;
	const char *serial_console;
	bool headless;
};
void display_state(const struct host *h, struct display_state *ds);

/* the check functions, one per row */
void check_input(const struct host *h, struct check_result *r);
void check_iommu_firmware(const struct host *h, struct check_result *r);
void check_iommu_kernel(const struct host *h, struct check_result *r);
void check_interrupt_remapping(const struct host *h, struct check_result *r);
void check_acs_override(const struct host *h, struct check_result *r);
void check_vfio_modules(const struct host *h, struct check_result *r);
void check_vfio_options(const struct host *h, struct check_result *r);
void check_vfio_ids(const struct host *h, struct check_result *r);
void check_vfio_binding(const struct host *h, struct check_result *r);
void check_host_drivers(const struct host *h, struct check_result *r);
void check_group_viable(const struct host *h, struct check_result *r);
void check_group_host_devices(const struct host *h, struct check_result *r);
void check_display_headless(const struct host *h, struct check_result *r);
void check_gpu_reset(const struct host *h, struct check_result *r);
void check_display_framebuffer(const struct host *h, struct check_result *r);
void check_iommu_rmrr(const struct host *h, struct check_result *r);
void check_pci_bars(const struct host *h, struct check_result *r);
void check_kvm_available(const struct host *h, struct check_result *r);
void check_modules_unknown(const struct host *h, struct check_result *r);
void check_modprobe_stale(const struct host *h, struct check_result *r);
void check_cmdline_stale(const struct host *h, struct check_result *r);
void check_image_modules(const struct host *h, struct check_result *r);

#endif
