// Linked only into the portable binary (cmake/Portable.cmake): the entry points of GSS-API (MIT
// Kerberos), librtmp and OpenLDAP that Debian's static libcurl.a refers to, for which Debian ships no
// usable static library. ptinstall restricts libcurl to http, https and file with basic authentication
// (src/net/http_client.cpp), so none of these is ever called; each answers a failure all the same, so
// that a call would fail the transfer instead of doing anything.
#include <cstddef>

extern "C" {

// --- GSS-API (SPNEGO / Kerberos authentication) ---------------------------------------------------
// GSS_S_FAILURE: the routine failed for a reason the mechanism does not say.
constexpr unsigned kGssFailure = 13u << 16;
void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;
static unsigned gss_fail(unsigned* minor) {
  if (minor) *minor = 0;
  return kGssFailure;
}
unsigned gss_init_sec_context(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_import_name(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_display_name(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_display_status(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_inquire_context(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_wrap(unsigned* minor, ...) { return gss_fail(minor); }
unsigned gss_unwrap(unsigned* minor, ...) { return gss_fail(minor); }
// Releasing what was never allocated succeeds (GSS_S_COMPLETE).
unsigned gss_release_buffer(unsigned* minor, ...) { return minor ? (*minor = 0) : 0; }
unsigned gss_release_name(unsigned* minor, ...) { return minor ? (*minor = 0) : 0; }
unsigned gss_release_cred(unsigned* minor, ...) { return minor ? (*minor = 0) : 0; }
unsigned gss_delete_sec_context(unsigned* minor, ...) { return minor ? (*minor = 0) : 0; }

// --- librtmp (rtmp:// URLs) ------------------------------------------------------------------------
void* RTMP_Alloc() { return nullptr; }  // curl answers CURLE_OUT_OF_MEMORY
void RTMP_Free(void*) {}
void RTMP_Init(void*) {}
void RTMP_Close(void*) {}
int RTMP_SetupURL(void*, char*) { return 0; }
int RTMP_Connect1(void*, void*) { return 0; }
int RTMP_ConnectStream(void*, int) { return 0; }
int RTMP_Read(void*, char*, int) { return -1; }
int RTMP_Write(void*, const char*, int) { return -1; }
void RTMP_SetBufferMS(void*, int) {}

// --- OpenLDAP (ldap:// URLs) -----------------------------------------------------------------------
constexpr int kLdapOther = 0x50;  // LDAP_OTHER
int ldap_init_fd(int, int, const char*, void** ld) {
  if (ld) *ld = nullptr;
  return kLdapOther;
}
int ldap_url_parse(const char*, void** out) {
  if (out) *out = nullptr;
  return 1;  // LDAP_URL_ERR_MEM
}
void ldap_free_urldesc(void*) {}
int ldap_set_option(void*, int, const void*) { return -1; }
int ldap_get_option(void*, int, void*) { return -1; }
int ldap_start_tls(void*, void*, void*, int*) { return kLdapOther; }
int ldap_sasl_bind(void*, const char*, const char*, void*, void*, void*, int*) { return kLdapOther; }
int ldap_parse_sasl_bind_result(void*, void*, void*, int) { return kLdapOther; }
int ldap_search_ext(void*, const char*, int, const char*, char**, int, void*, void*, void*, int, int*) { return kLdapOther; }
int ldap_result(void*, int, int, void*, void** res) {
  if (res) *res = nullptr;
  return -1;
}
int ldap_msgtype(void*) { return -1; }
int ldap_msgfree(void*) { return 0; }
int ldap_parse_result(void*, void*, int*, char**, char**, char***, void***, int) { return kLdapOther; }
int ldap_get_dn_ber(void*, void*, void**, void*) { return kLdapOther; }
int ldap_get_attribute_ber(void*, void*, void**, void*, void*) { return kLdapOther; }
int ldap_abandon_ext(void*, int, void*, void*) { return kLdapOther; }
int ldap_unbind_ext(void*, void*, void*) { return 0; }
void ldap_memfree(void*) {}
char* ldap_err2string(int) { return const_cast<char*>("LDAP is not available in the portable ptinstall"); }
int ldap_pvt_url_scheme2proto(const char*) { return -1; }
void ber_free(void*, int) {}
void ber_bvfree(void*) {}
void ber_memfree(void*) {}
void ber_memvfree(void**) {}
int ber_sockbuf_add_io(void*, void*, int, void*) { return -1; }

}  // extern "C"
