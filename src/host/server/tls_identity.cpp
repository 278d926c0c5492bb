#include "host/server/tls_identity.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include "core/file.h"
#include "crypto/aead.h"
#include "crypto/keys.h"

namespace ensign::host::server {
namespace {

constexpr std::size_t kMaxPemSize = 64 * 1024;
constexpr long kValiditySeconds = 365L * 24 * 60 * 60;

Unexpected tls_failure(const std::string& what) {
  return fail(ErrorCode::kInvalidArgument, what);
}

Status add_extension(X509* certificate, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) {
    return fail(ErrorCode::kInternal, "cannot make the certificate's extension " + value);
  }
  int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) {
    return fail(ErrorCode::kInternal, "cannot add the certificate's extension " + value);
  }
  return {};
}

bool is_ip_address(const std::string& host) {
  return host.find_first_not_of("0123456789.") == std::string::npos ||
         host.find(':') != std::string::npos;
}

}  // namespace

Result<TlsIdentity> load_tls_identity(const std::string& certificate_path,
                                      const std::string& key_path) {
  struct stat info {};
  if (::stat(key_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    return fail(ErrorCode::kFailedPrecondition,
                key_path + ": the TLS key is readable by group or others (chmod 600 it)");
  }
  ENSIGN_TRY(certificate_text, read_file(certificate_path, kMaxPemSize));
  ENSIGN_TRY(key_text, read_file(key_path, kMaxPemSize));
  TlsIdentity identity;
  BioPtr certificate_bio(BIO_new_mem_buf(certificate_text.data(),
                                         static_cast<int>(certificate_text.size())));
  identity.certificate.reset(PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr));
  if (!identity.certificate) {
    return tls_failure(certificate_path + ": not a PEM certificate");
  }
  BioPtr key_bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
  identity.private_key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  OPENSSL_cleanse(key_text.data(), key_text.size());
  if (!identity.private_key) {
    return tls_failure(key_path + ": not a PEM private key (encrypted keys are not supported)");
  }
  if (X509_check_private_key(identity.certificate.get(), identity.private_key.get()) != 1) {
    return tls_failure(key_path + ": the key is not the one " + certificate_path + " certifies");
  }
  return identity;
}

Result<TlsIdentity> self_signed_identity(const std::string& host) {
  TlsIdentity identity;
  ENSIGN_TRY(key, crypto::generate_private_key(crypto::KeyAlgorithm::kEcdsaP256));
  identity.private_key = std::move(key);
  identity.certificate.reset(X509_new());
  X509* certificate = identity.certificate.get();
  ENSIGN_TRY(serial, crypto::random_bytes(16));
  serial[0] &= 0x7f;  // a positive serial number
  BignumPtr serial_number(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (certificate == nullptr || serial_number == nullptr || X509_set_version(certificate, 2) != 1 ||
      BN_to_ASN1_INTEGER(serial_number.get(), X509_get_serialNumber(certificate)) == nullptr ||
      X509_gmtime_adj(X509_getm_notBefore(certificate), -60) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(certificate), kValiditySeconds) == nullptr ||
      X509_set_pubkey(certificate, identity.private_key.get()) != 1) {
    return fail(ErrorCode::kInternal, "cannot make the self-signed certificate");
  }
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ensignd"), -1, -1, 0);
  X509_set_issuer_name(certificate, name);
  std::string names = "DNS:localhost,IP:127.0.0.1,IP:::1";
  if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" &&
      host != "0.0.0.0") {
    names += (is_ip_address(host) ? ",IP:" : ",DNS:") + host;
  }
  ENSIGN_CHECK(add_extension(certificate, NID_subject_alt_name, names));
  ENSIGN_CHECK(add_extension(certificate, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  ENSIGN_CHECK(add_extension(certificate, NID_key_usage, "critical,digitalSignature,keyCertSign"));
  ENSIGN_CHECK(add_extension(certificate, NID_ext_key_usage, "serverAuth"));
  if (X509_sign(certificate, identity.private_key.get(), EVP_sha256()) == 0) {
    return fail(ErrorCode::kInternal, "cannot sign the self-signed certificate");
  }
  return identity;
}

Result<std::string> certificate_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    return fail(ErrorCode::kInternal, "cannot write the certificate as PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace ensign::host::server
