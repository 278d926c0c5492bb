// swtpm_vectors.h: public areas and one TPM2_Certify that a real TPM 2.0 implementation made,
// for the tests of public_area.h and certify.h that must run without one.
//
// Provenance: swtpm 0.7.1 (libtpms) driven by tpm2-tools 5.4 on Debian 12, 2026-12-06, one TPM:
//   tpm2_createprimary -C o -g sha256 -G ecc256:aes128cfb -c primary.ctx          -> kSrkPublic
//   tpm2_create -C primary.ctx -G ecc256:ecdsa-sha256
//       -a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign" -u key.pub   -> kEccPublic
//   tpm2_create -C primary.ctx -G rsa2048:rsassa-sha256 -a (the same)              -> kRsaPublic
//   tpm2_create -C primary.ctx -g sha384 -G ecc384:ecdsa-sha384 -a "...|sign|noda"   -> kP384Public
//   tpm2_create -C primary.ctx -a "fixedtpm|fixedparent|userwithauth|noda" -i secret.txt
//                                                                                  -> kSealedPublic
//   tpm2_create -C primary.ctx -G ecc256:ecdsa-sha256:null
//       -a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign" -> kAkPublic
//   tpm2_certify -c key.ctx -C ak.ctx -g sha256 -o attest.out -s sig.out -> kCertifyAttest,
//                                                                           kCertifySignature
// Each *Public is the TPMT_PUBLIC (the TPM2B_PUBLIC that tpm2_create -u writes, without its size),
// each *Name what tpm2_load -n wrote, each *Spki the DER of tpm2_readpublic -f pem.
#pragma once

#include <string_view>

#include "core/bytes.h"

namespace ensign::attest::tpm::test {

inline constexpr std::string_view kEccPublic =
    "0023000b00040072000000100018000b000300100020154c1b33da0cc3e1eb456c253d97975cca7c70234b85ff"
    "38b51f67e941c08da80020f602982a47af3e596801e70f3650d481d715a5c74451f2e9f9c039a75726a337";
inline constexpr std::string_view kEccName =
    "000b5b886fb193d20b95449ac4126059a8911aaa4ae71fd094169bb21d0875d640ed";
inline constexpr std::string_view kEccSpki =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004154c1b33da0cc3e1eb456c253d97975cca7c"
    "70234b85ff38b51f67e941c08da8f602982a47af3e596801e70f3650d481d715a5c74451f2e9f9c039a75726a3"
    "37";

inline constexpr std::string_view kRsaPublic =
    "0001000b00040072000000100014000b0800000000000100a32bdcd1899d475bf250500e1c2c8670b36b30f798"
    "807b76a3aa724832805fb4edd5414ff2804eae6b1774e22958b97c9abd573113202ace4890d8ddd8168a5927aa"
    "d1b8bb82fc509e7d01f9be2ad7f46739991e3f0488f20dad28a8ac89a76664c2b2cd340e6ba26f0507c4dcf5c0"
    "5af9ab4ef9037db3f73e90ddbd1a9431f2106b2d78a330d15d1e5465f060488e683e5c24955f515fe4a6cdbca7"
    "6ecaecc7c48b36a0f032d4317340f8307b68b3c8c8df768ddf2199f8ad4b9697453d0115a8c1ab60baad5682f1"
    "a56b22f0bcb818a4978ce47ff12dea3742e59038752022cabfecf3a819b51da1052b65712c6ad01b0f7c07d0dc"
    "17d2cb4c6f5a5df8b421";
inline constexpr std::string_view kRsaName =
    "000b220699ac8cfb67ac2516dd82f7723ec42c2d23ff9d8ce5f5331ca70cb087993f";
inline constexpr std::string_view kRsaSpki =
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100a32bdcd1899d475bf250500e"
    "1c2c8670b36b30f798807b76a3aa724832805fb4edd5414ff2804eae6b1774e22958b97c9abd573113202ace48"
    "90d8ddd8168a5927aad1b8bb82fc509e7d01f9be2ad7f46739991e3f0488f20dad28a8ac89a76664c2b2cd340e"
    "6ba26f0507c4dcf5c05af9ab4ef9037db3f73e90ddbd1a9431f2106b2d78a330d15d1e5465f060488e683e5c24"
    "955f515fe4a6cdbca76ecaecc7c48b36a0f032d4317340f8307b68b3c8c8df768ddf2199f8ad4b9697453d0115"
    "a8c1ab60baad5682f1a56b22f0bcb818a4978ce47ff12dea3742e59038752022cabfecf3a819b51da1052b6571"
    "2c6ad01b0f7c07d0dc17d2cb4c6f5a5df8b4210203010001";

inline constexpr std::string_view kP384Public =
    "0023000c00040472000000100018000c000400100030312d9b3357e6b17f6145472966d03023a98aaa59f7704b"
    "10b62a1b9b46b3dd52ed04eaea33d6722377fae3876eb92ecb0030f26f3e44fe760710c1101b5ca8c5a52a9de9"
    "d728bc9d7ba558810141d247f04dc73291e730f1a8ef666ecf2090908bb9";
inline constexpr std::string_view kP384Name =
    "000c0131fe46e0f1ab6419a3e0184f2c91c54ce75464d89c070152901adfbb04bd9cf49c97bf03de82c4f951fc"
    "cbb7fb961c";
inline constexpr std::string_view kP384Spki =
    "3076301006072a8648ce3d020106052b8104002203620004312d9b3357e6b17f6145472966d03023a98aaa59f7"
    "704b10b62a1b9b46b3dd52ed04eaea33d6722377fae3876eb92ecbf26f3e44fe760710c1101b5ca8c5a52a9de9"
    "d728bc9d7ba558810141d247f04dc73291e730f1a8ef666ecf2090908bb9";

// The SRK: a restricted decryption key with AES-128-CFB as its companion cipher.
inline constexpr std::string_view kSrkPublic =
    "0023000b0003007200000006008000430010000300100020351f1372efa010b2a7d95da827caf9b959bdd13d76"
    "13471e96c2398b7a23311b0020c1fea47d5d3d9ae1b2c494aa8bb239c9d0e78754d19db643b770afb9cca1de2d";
inline constexpr std::string_view kSrkName =
    "000bfd1b8fd3f148313f634dfe150783798909ec1059e7bc3a6a98d1c736e2dcc1c2";

// A sealed data object (TPM_ALG_KEYEDHASH): no public key.
inline constexpr std::string_view kSealedPublic =
    "0008000b0000045200000010002029c063bd11fa87b2ec75b718de5a563f8ec35e7c0c482e3da83970dcd68bd0"
    "aa";

// The AK, a restricted ECDSA P-256 signing key, and its DER SPKI.
inline constexpr std::string_view kAkPublic =
    "0023000b00050072000000100018000b000300100020b211ae853d275033b404e18f6af68f4e0a188dfdfc2f7b"
    "ee61367d92e7a585880020bcd8e546acfe60b538611a37246ad3dc3e05f486d325529acb332aa4ac0b446b";
inline constexpr std::string_view kAkSpki =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004b211ae853d275033b404e18f6af68f4e0a18"
    "8dfdfc2f7bee61367d92e7a58588bcd8e546acfe60b538611a37246ad3dc3e05f486d325529acb332aa4ac0b44"
    "6b";

// The AK's TPM2_Certify of the kEccPublic key. tpm2_certify 5.4 has no option for qualifying
// data and always passes 00ff55aa, which is what extraData holds.
inline constexpr std::string_view kCertifyAttest =
    "ff54434780170022000b098a977cbd68ed05609f5b04ff7052f9d58ca49250193ce604b049c4ed7c93a4000400"
    "ff55aa0000000000008fa557f4f5821ba648e1019ad9f0decb7aef630022000b5b886fb193d20b95449ac41260"
    "59a8911aaa4ae71fd094169bb21d0875d640ed0022000b6a8425a1776b1629d2a598d22d577b50a0bf71a32a48"
    "6929f7159255ec987dce";
inline constexpr std::string_view kCertifySignature =
    "0018000b00204f3440456041c8b6cc2e259de803c1b89c79c703102fabc76823adbad05ced9f0020fb14605cd1"
    "aa3962dd194a1f6bd6ff4b8401a03ba0f006296c942486f973b6dd";
inline constexpr std::string_view kTpm2ToolsQualifyingData = "00ff55aa";

// bytes decodes one of the constants above.
inline Bytes bytes(std::string_view hex) {
  return hex_decode(hex).value();
}

}  // namespace ensign::attest::tpm::test
