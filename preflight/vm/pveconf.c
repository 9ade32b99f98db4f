/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pveconf.c - parse a qemu-server VM configuration and pci.cfg mappings
 * (contract in pveconf.h). Pure text in, struct out: no file access.
 */
#include "format.h"
#include "macro.h"
#include "vm/pveconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* qemu-server's option names ($confdesc), numbered families with their count */
static const char *const plain_keys[] = {
	"onboot",
	"autostart",
	"hotplug",
	"reboot",
	"lock",
	"cpulimit",
	"cpuunits",
	"memory",
	"amd-sev",
	"intel-tdx",
	"balloon",
	"shares",
	"keyboard",
	"name",
	"scsihw",
	"description",
	"ostype",
	"boot",
	"bootdisk",
	"smp",
	"sockets",
	"cores",
	"numa",
	"hugepages",
	"keephugepages",
	"vcpus",
	"acpi",
	"agent",
	"kvm",
	"tdf",
	"localtime",
	"freeze",
	"vga",
	"watchdog",
	"startdate",
	"startup",
	"template",
	"args",
	"tablet",
	"migrate_speed",
	"migrate_downtime",
	"cdrom",
	"cpu",
	"parent",
	"snaptime",
	"vmstate",
	"vmstatestorage",
	"runningmachine",
	"runningcpu",
	"running-nets-host-mtu",
	"machine",
	"arch",
	"smbios1",
	"protection",
	"bios",
	"vmgenid",
	"hookscript",
	"ivshmem",
	"audio0",
	"spice_enhancements",
	"tags",
	"rng0",
	"meta",
	"affinity",
	"allow-ksm",
	"ciuser",
	"cipassword",
	"citype",
	"ciupgrade",
	"cicustom",
	"searchdomain",
	"nameserver",
	"sshkeys",
	"efidisk0",
	"tpmstate0",
};
static const struct {
	const char *stem;
	unsigned count;
} numbered_keys[] = {
	{ "hostpci", VM_HOSTPCI_MAX },
	{ "net", 32 },
	{ "ide", 4 },
	{ "sata", 6 },
	{ "scsi", 31 },
	{ "virtio", 16 },
	{ "usb", 14 },
	{ "serial", 4 },
	{ "parallel", 3 },
	{ "numa", 8 },
	{ "virtiofs", 10 },
	{ "ipconfig", 32 },
	{ "unused", 256 },
};

static bool known_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(plain_keys); i++)
		if (!strcmp(key, plain_keys[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(numbered_keys); i++) {
		size_t n = strlen(numbered_keys[i].stem);
		char *end;
		unsigned long idx;

		if (strncmp(key, numbered_keys[i].stem, n) || !isdigit((unsigned char)key[n]))
			continue;
		idx = strtoul(key + n, &end, 10);
		if (!*end && idx < numbered_keys[i].count)
			return true;
	}
	return false;
}

void vmconf_init(struct vmconf *c, unsigned long vmid)
{
	memset(c, 0, sizeof(*c));
	c->vmid = vmid;
	c->memory = 512;
	c->balloon = -1;
	c->in_current = true;
}

int pve_bool(const char *v)
{
	static const char *const yes[] = { "1", "on", "yes", "true" }, *const no[] = { "0", "off",
										       "no",
										       "false" };

	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/*
 * The next "k=v" or bare word of a property string: [*s, end) with '='
 * at *eq or NULL. A value in double quotes may hold commas.
 */
static const char *prop_next(const char *s, const char **eq)
{
	bool quoted = false;

	*eq = NULL;
	for (; *s && (quoted || *s != ','); s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == '=' && !*eq && !quoted)
			*eq = s;
	}
	return s;
}

int prop_get(const char *s, const char *key, bool dflt, char *out, size_t cap)
{
	size_t klen = strlen(key);
	bool first = true;

	while (*s) {
		const char *eq, *end = prop_next(s, &eq), *v = NULL;

		if (eq && (size_t)(eq - s) == klen && !strncmp(s, key, klen))
			v = eq + 1;
		else if (!eq && first && dflt)
			v = s;
		if (v) {
			size_t n = (size_t)(end - v);

			if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
				v++;
				n -= 2;
			}
			if (n >= cap)
				n = cap - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 1;
		}
		first = false;
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* one id: (hex{4,}:)?hex{2}:hex{2}(.hex)?, lower case as qemu-server's pattern */
static const char *pci_id_end(const char *s)
{
	size_t n = 0;

	while (isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]))
		n++;
	if (n >= 4 && s[n] == ':') { /* a domain */
		s += n + 1;
		for (n = 0; isxdigit((unsigned char)s[n]) && !isupper((unsigned char)s[n]); n++)
			;
	}
	if (n != 2 || s[2] != ':' || !isxdigit((unsigned char)s[3]) ||
	    !isxdigit((unsigned char)s[4]) || isupper((unsigned char)s[3]) ||
	    isupper((unsigned char)s[4]))
		return NULL;
	s += 5;
	if (*s == '.') {
		if (!isxdigit((unsigned char)s[1]) || isupper((unsigned char)s[1]))
			return NULL;
		s += 2;
	}
	return s;
}

bool pve_pci_list_valid(const char *s)
{
	for (;;) {
		if (!(s = pci_id_end(s)))
			return false;
		if (!*s)
			return true;
		if (*s++ != ';')
			return false;
	}
}

static void parse_hostpci(struct vmconf *c, unsigned idx, const char *value, unsigned lineno)
{
	struct vm_hostpci *p = &c->pci[idx];
	char v[VM_VALUE_LEN];
	int b;

	if (!p->present)
		c->n_pci++;
	memset(p, 0, sizeof(*p));
	p->present = true;
	p->lineno = lineno;
	str_fmt(p->raw, sizeof(p->raw), "%s", value);
	prop_get(value, "host", true, p->host, sizeof(p->host));
	prop_get(value, "mapping", false, p->mapping, sizeof(p->mapping));
	prop_get(value, "mdev", false, p->mdev, sizeof(p->mdev));
	p->pcie = prop_get(value, "pcie", false, v, sizeof(v)) && pve_bool(v) == 1;
	p->xvga = prop_get(value, "x-vga", false, v, sizeof(v)) && pve_bool(v) == 1;
	p->keep = prop_get(value, "driver", false, v, sizeof(v)) && !strcmp(v, "keep");
	p->valid = true;
	if (p->host[0] && p->mapping[0]) {
		diag_add(&c->diag,
			 "line %u: hostpci%u sets both host and mapping: qemu-server refuses it",
			 lineno, idx);
		p->valid = false;
	} else if (!p->host[0] && !p->mapping[0]) {
		diag_add(&c->diag, "line %u: hostpci%u names no device (host or mapping=)", lineno,
			 idx);
		p->valid = false;
	} else if (p->host[0] && !pve_pci_list_valid(p->host)) {
		diag_add(&c->diag,
			 "line %u: hostpci%u: '%.40s' is not a PCI id as qemu-server writes them "
			 "(0000:01:00, 01:00.0, lower-case hex)",
			 lineno, idx, p->host);
		p->valid = false;
	}
	for (const char *k = "pcie\0x-vga\0rombar\0"; *k; k += strlen(k) + 1)
		if (prop_get(value, k, false, v, sizeof(v)) && (b = pve_bool(v)) < 0) {
			diag_add(&c->diag, "line %u: hostpci%u: %s=%.20s is not a boolean", lineno,
				 idx, k, v);
			p->valid = false;
		}
}

/* a whole decimal number >= 0, or -1 */
static long parse_num(const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

static void set_string(char *dst, size_t cap, const char *v)
{
	str_fmt(dst, cap, "%s", v);
}

static void parse_key(struct vmconf *c, const char *key, const char *value, unsigned lineno)
{
	char v[VM_VALUE_LEN];
	long n;
	int b;

	if (str_starts(key, "hostpci") && known_key(key)) {
		parse_hostpci(c, (unsigned)strtoul(key + 7, NULL, 10), value, lineno);
	} else if (!strcmp(key, "memory")) {
		prop_get(value, "current", true, v, sizeof(v));
		if ((n = parse_num(v)) < 16)
			diag_add(
				&c->diag,
				"line %u: memory: '%.30s' is not a size in MiB (>= 16); qemu-server "
				"ignores it",
				lineno, value);
		else
			c->memory = n;
	} else if (!strcmp(key, "balloon")) {
		if ((n = parse_num(value)) < 0)
			diag_add(&c->diag, "line %u: balloon: '%.30s' is not a size in MiB", lineno,
				 value);
		else
			c->balloon = n;
	} else if (!strcmp(key, "onboot") || !strcmp(key, "template")) {
		if ((b = pve_bool(value)) < 0)
			diag_add(&c->diag, "line %u: %s: '%.20s' is not a boolean", lineno, key,
				 value);
		else if (key[0] == 'o')
			c->onboot = b;
		else
			c->template_vm = b;
	} else if (!strcmp(key, "name")) {
		set_string(c->name, sizeof(c->name), value);
	} else if (!strcmp(key, "machine")) {
		prop_get(value, "type", true, c->machine, sizeof(c->machine));
	} else if (!strcmp(key, "bios")) {
		if (!strcmp(value, "ovmf") || !strcmp(value, "seabios"))
			c->bios = value[0] == 'o' ? BIOS_OVMF : BIOS_SEABIOS;
		else
			diag_add(&c->diag, "line %u: bios: '%.20s' is not seabios or ovmf", lineno,
				 value);
	} else if (!strcmp(key, "efidisk0")) {
		c->efidisk = true;
	} else if (!strcmp(key, "cpu")) {
		prop_get(value, "cputype", true, c->cpu, sizeof(c->cpu));
		c->cpu_hidden = prop_get(value, "hidden", false, v, sizeof(v)) && pve_bool(v) == 1;
		c->cpu_hv_vendor = prop_get(value, "hv-vendor-id", false, v, sizeof(v));
	} else if (!strcmp(key, "args")) {
		c->args_hidden = strstr(value, "kvm=off") != NULL;
		c->args_hv_vendor = strstr(value, "hv_vendor_id") != NULL;
	} else if (!strcmp(key, "ostype")) {
		set_string(c->ostype, sizeof(c->ostype), value);
	} else if (!c->storage[0] &&
		   (str_starts(key, "scsi") || str_starts(key, "virtio") ||
		    str_starts(key, "sata") || str_starts(key, "ide")) &&
		   isdigit((unsigned char)key[strlen(key) - 1]) && !strstr(value, "media=cdrom") &&
		   strchr(value, ':')) {
		const char *colon = strchr(value, ':');

		if ((size_t)(colon - value) < sizeof(c->storage) &&
		    !memchr(value, ',', (size_t)(colon - value))) {
			memcpy(c->storage, value, (size_t)(colon - value));
			c->storage[colon - value] = '\0';
		}
	}
}

/* ^([a-z][a-z_-]*[0-9]*): ; returns the value (after blanks) or NULL */
static char *split_key(char *line)
{
	char *p = line;

	if (!islower((unsigned char)*p))
		return NULL;
	while (islower((unsigned char)*p) || *p == '_' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != ':')
		return NULL;
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

void vmconf_line(struct vmconf *c, char *line, unsigned lineno, int truncated)
{
	char *value, *end;

	c->lines++;
	if (!c->in_current)
		return;
	if (truncated) {
		diag_add(&c->diag, "line %u: longer than this reader keeps; ignored", lineno);
		return;
	}
	if (!*str_trim(line)) /* trims the end in place: a CR of a file edited on Windows too */
		return;
	if (line[0] == '[' && (end = strchr(line, ']')) && !*str_trim(end + 1)) {
		c->in_current =
			false; /* snapshots, [PENDING], [special:...]: not the running config */
		return;
	}
	if (line[0] == '#')
		return; /* description */
	if (!(value = split_key(line))) {
		diag_add(&c->diag,
			 "line %u: not 'key: value' (qemu-server: unable to parse config)", lineno);
		return;
	}
	end = value + strlen(value);
	while (end > value && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!known_key(line)) {
		diag_add(&c->diag, "line %u: '%.40s' is not a qemu-server option; it is ignored",
			 lineno, line);
		return;
	}
	if (!*value) {
		diag_add(&c->diag, "line %u: %s has no value", lineno, line);
		return;
	}
	parse_key(c, line, value, lineno);
}

void vmconf_parse_text(struct vmconf *c, char *text)
{
	unsigned lineno = 0;

	for (char *line = text, *nl; line; line = nl) {
		if ((nl = strchr(line, '\n')))
			*nl++ = '\0';
		vmconf_line(c, line, ++lineno, 0);
	}
}

/* ---- pci.cfg: "NAME" header lines, then indented "key value" lines ---- */

static void map_fill(char *value, struct pci_map_entry *e)
{
	char v[32];

	prop_get(value, "path", false, e->path, sizeof(e->path));
	prop_get(value, "id", false, e->id, sizeof(e->id));
	prop_get(value, "subsystem-id", false, e->subsystem_id, sizeof(e->subsystem_id));
	e->iommugroup = prop_get(value, "iommugroup", false, v, sizeof(v)) ? parse_num(v) : -1;
}

void pci_mapping_find(char *text, const char *name, const char *node, struct pci_map_entry *e,
		      struct diag *d)
{
	bool in = false;
	unsigned lineno = 0;

	memset(e, 0, sizeof(*e));
	e->iommugroup = -1;
	for (char *line = text, *nl; line; line = nl) {
		char *key, *value, nodev[VM_NAME_LEN];

		if ((nl = strchr(line, '\n')))
			*nl++ = '\0';
		lineno++;
		if (!isspace((unsigned char)line[0])) {
			key = str_trim(line);
			if (*key && *key != '#')
				in = !strcmp(key, name);
			e->found |= in;
			continue;
		}
		if (!in)
			continue;
		key = str_trim(line);
		for (value = key; *value && !isspace((unsigned char)*value); value++)
			;
		if (*value)
			*value++ = '\0';
		value = str_trim(value);
		if (!strcmp(key, "mdev"))
			e->mdev = pve_bool(value) == 1;
		if (strcmp(key, "map"))
			continue;
		if (!prop_get(value, "node", false, nodev, sizeof(nodev))) {
			diag_add(d, "pci.cfg line %u: map without node=; ignored", lineno);
			continue;
		}
		if (strcmp(nodev, node))
			continue;
		if (!e->on_node)
			map_fill(value, e);
		e->on_node = true;
		e->n_maps++;
	}
}
