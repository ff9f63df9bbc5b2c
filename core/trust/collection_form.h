// The exact CMS forms ikewot writes for collections, checked field by field with the Reader.
//
// CMS protects the content and the signed attributes (SignedData) or the ciphertext (GCM), but
// not the rest of the structure -- versions, algorithm sets, certificate lists, recipient
// identifiers -- and OpenSSL tolerates variations there (loose name matching, ignored versions,
// lenient constructed bits). Accepting only the form we write means no bit of a collection file
// can change without the file being refused. (In a file for several recipients, a change in
// another recipient's key material cannot be seen by us; that recipient sees it.)
#pragma once

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/certificate.h"

namespace ikewot::trust {

// RFC 5652 §5: ContentInfo(SignedData) signed by `signer` whose certificate is the only one
// included, one SignerInfo, SHA-2 digest matching the key, no CRLs or unsigned attributes.
Status CheckSignedDataForm(ByteView signed_der, const crypto::Certificate& signer);

// RFC 5083 AuthEnvelopedData with AES-256-GCM, recipients as SealCollection writes them
// (kari ECDH + SHA-256 KDF + AES-256 wrap, ktri RSAES-OAEP SHA-256), inner type signedData, and
// exactly one recipient identifier naming `me` byte for byte.
Status CheckEnvelopeForm(ByteView envelope_der, const crypto::Certificate& me);

}  // namespace ikewot::trust
