/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmset.c - read this node's VM configurations, the PCI mappings and the
 * host's memory; resolve hostpci entries against the host (see vmset.h).
 */
#include "format.h"
#include "sort.h"
#include "vm/vmset.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define PCI_CFG_MAX (1u << 20)

/* PVE::INotify::nodename: the host name up to the first dot */
static void load_node(struct vmset *s, const struct root *r)
{
	struct utsname u;
	char buf[VM_NAME_LEN], *p;

	if (root_read(r, "etc/hostname", buf, sizeof(buf)) > 0) {
		p = str_trim(buf);
	} else if (!strcmp(r->path, "/") && uname(&u) == 0) {
		str_fmt(buf, sizeof(buf), "%s", u.nodename);
		p = buf;
	} else {
		p = buf;
		buf[0] = '\0';
	}
	p[strcspn(p, ".\n")] = '\0';
	str_fmt(s->node, sizeof(s->node), "%s", p);
}

struct load_ctx {
	struct vmset *s;
	const struct root *r;
	struct vm *vm;
};

static int on_meminfo(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct vmset *s = ((struct load_ctx *)ctx)->s;
	long *dst = NULL;

	(void)len;
	(void)lineno;
	if (truncated)
		return 0;
	if (str_starts(line, "MemTotal:"))
		dst = &s->mem_total_mib;
	else if (str_starts(line, "MemAvailable:"))
		dst = &s->mem_avail_mib;
	if (dst) {
		char *p = strchr(line, ':') + 1, *end;
		long kb = strtol(p, &end, 10);

		if (end != p && kb >= 0)
			*dst = kb / 1024;
	}
	return 0;
}

/* /run/qemu-server/pci-id-reservations: "0000:01:00.0 100 pid:1234" */
static int on_reservation(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	struct load_ctx *lc = ctx;
	struct vmset *s = lc->s;
	char id[PCI_SLOT_LEN + 8], kind[8];
	unsigned long vmid, num;
	struct vm_reservation *rv;
	char *end, *p;

	(void)len;
	(void)lineno;
	if (truncated || !(p = strchr(line, ' ')) || (size_t)(p - line) >= sizeof(id))
		return 0;
	memcpy(id, line, (size_t)(p - line));
	id[p - line] = '\0';
	vmid = strtoul(p + 1, &end, 10);
	if (end == p + 1 || *end != ' ' || !(p = strchr(end + 1, ':')) ||
	    (size_t)(p - end - 1) >= sizeof(kind))
		return 0;
	memcpy(kind, end + 1, (size_t)(p - end - 1));
	kind[p - end - 1] = '\0';
	num = strtoul(p + 1, &end, 10);
	if (s->n_resv % 16 == 0) {
		void *n = realloc(s->resv, (s->n_resv + 16) * sizeof(*s->resv));

		if (!n)
			return -ENOMEM;
		s->resv = n;
	}
	rv = &s->resv[s->n_resv++];
	str_fmt(rv->id, sizeof(rv->id), "%s", id);
	rv->vmid = vmid;
	rv->live = false;
	if (!strcmp(kind, "pid") && num > 0) {
		char path[32];

		str_fmt(path, sizeof(path), "proc/%lu", num);
		rv->live = root_exists(lc->r, path) > 0;
	}
	return 0;
}

static int on_config_line(void *ctx, char *line, size_t len, unsigned lineno, int truncated)
{
	(void)len;
	vmconf_line(&((struct load_ctx *)ctx)->vm->conf, line, lineno, truncated);
	return 0;
}

/* "100.conf" -> 100; 0 when the name is not a VM config (VMIDs start at 100) */
static unsigned long conf_vmid(const char *name)
{
	char *end;
	unsigned long id;

	if (!isdigit((unsigned char)name[0]) || name[0] == '0')
		return 0;
	id = strtoul(name, &end, 10);
	return strcmp(end, ".conf") || id > 999999999ul ? 0 : id;
}

static bool asked(const struct vmset_options *opt, unsigned long vmid)
{
	for (size_t i = 0; i < opt->n_vmids; i++)
		if (opt->vmids[i] == vmid)
			return true;
	return false;
}

static struct vm *vm_add(struct vmset *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct vm *n = realloc(s->v, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->v = n;
		s->cap = cap;
	}
	return &s->v[s->n++];
}

/* the VMIDs of the config directory, ascending; -errno */
static int list_vmids(struct vmset *s, const struct root *r, uint64_t **ids, size_t *n)
{
	struct root_dir dir;
	struct dirent *de;
	size_t cap = 0;
	int err = 0;

	*ids = NULL;
	*n = 0;
	if (root_dir_open(&dir, r, s->confdir) < 0)
		return 0;
	while ((de = root_dir_next(&dir))) {
		unsigned long id = conf_vmid(de->d_name);

		if (!id)
			continue;
		if (*n == VM_MAX) {
			diag_add(&s->diag,
				 "more than %d VM configurations in /%s: the rest ignored", VM_MAX,
				 s->confdir);
			break;
		}
		if (*n == cap) {
			uint64_t *nv = realloc(*ids, (cap = cap ? cap * 2 : 64) * sizeof(**ids));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			*ids = nv;
		}
		(*ids)[(*n)++] = id;
	}
	root_dir_close(&dir);
	return err ? err : sort_u64(*ids, *n);
}

static int load_vm(struct vmset *s, const struct root *r, unsigned long vmid,
		   const struct vmset_options *opt)
{
	struct load_ctx lc = { .s = s, .r = r };
	char rel[128];
	struct vm *vm;
	int err;

	if (!(vm = vm_add(s)))
		return -ENOMEM;
	memset(vm, 0, sizeof(*vm));
	vmconf_init(&vm->conf, vmid);
	str_fmt(rel, sizeof(rel), "%s/%lu.conf", s->confdir, vmid);
	str_fmt(vm->path, sizeof(vm->path), "/%s", rel);
	lc.vm = vm;
	err = s->confdir[0] ? root_for_each_line(r, rel, on_config_line, &lc) : -ENOENT;
	vm->exists = err == 0;
	if (err && err != -ENOENT)
		diag_add(&vm->conf.diag, "%s: %s", vm->path, ERR_TEXT(err));
	/* only the VMs asked for and the passthrough ones are kept */
	if (!asked(opt, vmid) && (!vm->exists || (!vm_passthrough(vm) && !opt->all)))
		s->n--;
	return 0;
}

int vmset_load(struct vmset *s, const struct root *r, const struct vmset_options *opt)
{
	struct load_ctx lc = { .s = s, .r = r };
	char rel[128];
	uint64_t *ids;
	size_t n;
	int err, len;

	memset(s, 0, sizeof(*s));
	s->mem_total_mib = s->mem_avail_mib = -1;
	load_node(s, r);
	s->have_pve = root_exists(r, "etc/pve") > 0;
	/* pmxcfs shows the local node's directory as the link /etc/pve/qemu-server */
	if (root_exists(r, "etc/pve/qemu-server") > 0)
		str_fmt(s->confdir, sizeof(s->confdir), "etc/pve/qemu-server");
	else if (s->node[0] &&
		 str_fmt(rel, sizeof(rel), "etc/pve/nodes/%s/qemu-server", s->node) > 0 &&
		 root_exists(r, rel) > 0)
		str_fmt(s->confdir, sizeof(s->confdir), "%s", rel);
	root_for_each_line(r, "proc/meminfo", on_meminfo, &lc);
	if ((err = root_for_each_line(r, "run/qemu-server/pci-id-reservations", on_reservation,
				      &lc)) == -ENOMEM)
		return err;
	if (!(s->pci_cfg = malloc(PCI_CFG_MAX)))
		return -ENOMEM;
	if ((len = root_read(r, "etc/pve/mapping/pci.cfg", s->pci_cfg, PCI_CFG_MAX)) < 0) {
		free(s->pci_cfg);
		s->pci_cfg = NULL;
	} else if ((size_t)len == PCI_CFG_MAX - 1) {
		diag_add(&s->diag, "/etc/pve/mapping/pci.cfg is over %u bytes: the rest ignored",
			 PCI_CFG_MAX);
	}
	if ((err = list_vmids(s, r, &ids, &n)) < 0)
		return err;
	for (size_t i = 0; i < n && !err; i++)
		err = load_vm(s, r, (unsigned long)ids[i], opt);
	/* asked for, but no such file: a block that says so */
	for (size_t i = 0; i < opt->n_vmids && !err; i++) {
		bool have = false;

		for (size_t j = 0; j < s->n; j++)
			have |= s->v[j].conf.vmid == opt->vmids[i];
		if (!have)
			err = load_vm(s, r, opt->vmids[i], opt);
	}
	free(ids);
	return err;
}

void vmset_free(struct vmset *s)
{
	free(s->v);
	free(s->resv);
	free(s->pci_cfg);
	memset(s, 0, sizeof(*s));
}

/* ---- resolving ---- */

/* SysFSTools::lspci's filter: the id is a prefix of the slot, with or without "0000:" */
static bool id_matches(const char *slot, const char *id, size_t n)
{
	return !strncmp(slot, id, n) || (str_starts(slot, "0000:") && !strncmp(slot + 5, id, n));
}

/* every function named by one id ([start, start+n)); returns how many */
static unsigned add_functions(const struct host *h, const char *id, size_t n, struct vm_res *res)
{
	unsigned found = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		if (!id_matches(h->pci.v[i].slot, id, n))
			continue;
		found++;
		if (res->n_fn < VM_FN_MAX)
			res->fn[res->n_fn++] = i;
	}
	return found;
}

static void resolve_list(const struct host *h, const char *list, struct vm_res *res)
{
	res->single_function = true;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ";");

		if (!memchr(p, '.', n))
			res->single_function = false;
		if (!add_functions(h, p, n, res) && res->status == RES_OK) {
			res->status = RES_NOT_FOUND;
			str_fmt(res->why, sizeof(res->why), "no PCI device %.*s on this host",
				(int)n, p);
		}
		p += n + (p[n] == ';');
	}
}

static const struct pci_func *find_slot(const struct host *h, const char *id)
{
	for (size_t i = 0; i < h->pci.n; i++)
		if (!strcmp(h->pci.v[i].slot, id) ||
		    (str_starts(h->pci.v[i].slot, "0000:") && !strcmp(h->pci.v[i].slot + 5, id)))
			return &h->pci.v[i];
	return NULL;
}

/* "0x10de:2204" or "10DE:2204" -> "10de:2204" for comparing, as assert_valid does */
static void norm_id(const char *in, char *out, size_t cap)
{
	size_t j = 0;

	for (size_t i = 0; in[i] && j + 1 < cap; i++) {
		if (in[i] == '0' && (in[i + 1] == 'x' || in[i + 1] == 'X')) {
			i++;
			continue;
		}
		out[j++] = (char)tolower((unsigned char)in[i]);
	}
	out[j] = '\0';
}

/* PVE::Mapping::PCI::assert_valid, for the first map entry of this node */
static void check_map(const struct host *h, const struct pci_map_entry *e, const char *name,
		      struct vm_res *res)
{
	char path[MAP_PATH_LEN], want[16], have[16];
	int idx = 0;

	str_fmt(path, sizeof(path), "%s", e->path);
	char *save = NULL;

	for (char *p = strtok_r(path, ";", &save); p; p = strtok_r(NULL, ";", &save), idx++) {
		char full[PCI_SLOT_LEN + 4], attr[96], nv[80];
		const struct pci_func *d;
		bool has_mdev;

		/* a whole card: its function 0 carries the recorded ids */
		str_fmt(full, sizeof(full), "%s%s", p, strchr(p, '.') ? "" : ".0");
		if (!(d = find_slot(h, full))) {
			res->status = RES_MAP_CHANGED;
			str_fmt(res->why, sizeof(res->why),
				"mapping '%s': pci device '%s' not found", name, full);
			return;
		}
		str_fmt(have, sizeof(have), "%04x:%04x", d->vendor, d->device);
		norm_id(e->id, want, sizeof(want));
		if (strcmp(want, have)) {
			res->status = RES_MAP_CHANGED;
			str_fmt(res->why, sizeof(res->why),
				"mapping '%s': 'id' does not match for %s (%s on the host, "
				"%s recorded)",
				name, full, have, want[0] ? want : "none");
			return;
		}
		str_fmt(have, sizeof(have), "%04x:%04x", d->subvendor, d->subdevice);
		norm_id(e->subsystem_id, want, sizeof(want));
		if ((d->subvendor || d->subdevice) && strcmp(want, have)) {
			res->status = RES_MAP_CHANGED;
			str_fmt(res->why, sizeof(res->why),
				"mapping '%s': 'subsystem-id' does not match for %s (%s on the "
				"host, %s recorded)",
				name, full, have, want[0] ? want : "none");
			return;
		}
		/* assert_valid compares the mapping's mdev flag with what the device offers */
		str_fmt(attr, sizeof(attr), "sys/bus/pci/devices/%s/mdev_supported_types", d->slot);
		str_fmt(nv, sizeof(nv), "sys/bus/pci/devices/%s/nvidia", d->slot);
		has_mdev = root_exists(h->root, attr) > 0 || root_exists(h->root, nv) > 0;
		if (has_mdev != e->mdev) {
			res->status = RES_MAP_CHANGED;
			str_fmt(res->why, sizeof(res->why),
				"mapping '%s': 'mdev' does not match for %s (%d on the host, "
				"%d recorded)",
				name, full, has_mdev, e->mdev);
			return;
		}
		if (idx == 0 &&
		    e->iommugroup != d->iommu_group) { /* the group of the first device only */
			res->status = RES_MAP_CHANGED;
			if (e->iommugroup < 0)
				str_fmt(res->why, sizeof(res->why),
					"mapping '%s': no 'iommugroup' recorded for %s "
					"(group %d on the host)",
					name, full, d->iommu_group);
			else
				str_fmt(res->why, sizeof(res->why),
					"mapping '%s': 'iommugroup' does not match for %s "
					"(group %d on the host, %ld recorded)",
					name, full, d->iommu_group, e->iommugroup);
			return;
		}
	}
}

static void resolve_entry(const struct vmset *s, const struct host *h, const struct vm_hostpci *p,
			  struct vm_res *res)
{
	memset(res, 0, sizeof(*res));
	if (!p->valid) {
		res->status = RES_INVALID;
		str_fmt(res->why, sizeof(res->why), "'%.80s' does not parse", p->raw);
		return;
	}
	if (p->host[0]) {
		resolve_list(h, p->host, res);
		return;
	}
	/* a resource mapping: this node's entry in pci.cfg */
	char *text = s->pci_cfg ? strdup(s->pci_cfg) : NULL;
	struct pci_map_entry e;
	struct diag dg = { .n = 0 };

	if (text)
		pci_mapping_find(text, p->mapping, s->node, &e, &dg);
	free(text);
	if (!text || !e.found || !e.on_node) {
		res->status = RES_MAP_MISSING;
		str_fmt(res->why, sizeof(res->why), "%s",
			!s->pci_cfg ? "no /etc/pve/mapping/pci.cfg"
			: !e.found  ? "no such mapping in /etc/pve/mapping/pci.cfg"
				    : "the mapping has no map for this node");
		return;
	}
	res->alternatives = e.n_maps;
	check_map(h, &e, p->mapping, res);
	if (res->status == RES_OK)
		resolve_list(h, e.path, res);
}

void vmset_resolve(struct vmset *s, const struct host *h)
{
	for (size_t i = 0; i < s->n; i++)
		for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++)
			if (s->v[i].conf.pci[j].present)
				resolve_entry(s, h, &s->v[i].conf.pci[j], &s->v[i].res[j]);
}

const struct vm_reservation *vmset_reserved(const struct vmset *s, const char *slot)
{
	for (size_t i = 0; i < s->n_resv; i++)
		if (s->resv[i].live && !strcmp(s->resv[i].id, slot))
			return &s->resv[i];
	return NULL;
}

bool vm_assigns(const struct vm *vm, size_t fn)
{
	for (unsigned j = 0; j < VM_HOSTPCI_MAX; j++)
		for (unsigned k = 0; k < vm->res[j].n_fn; k++)
			if (vm->conf.pci[j].present && vm->res[j].fn[k] == fn)
				return true;
	return false;
}
