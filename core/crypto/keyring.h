#pragma once

#include "core/common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QUuid>

namespace EasyCrm::Crypto {

// One <key> element of the CRM server's Data Protection key ring. Dates are UTC.
struct MasterKey
{
    QUuid id;
    QDateTime creationDate;
    QDateTime activationDate;
    QDateTime expirationDate;
    // The 64-byte master key; empty when the key is stored in a form this client cannot
    // read (encrypted at rest, another algorithm). Wiped when the last holder lets go.
    QByteArray secret;
    bool revoked = false;

    MasterKey() = default;
    MasterKey(const MasterKey &) = default;
    MasterKey(MasterKey &&) noexcept = default;
    MasterKey &operator=(const MasterKey &other);
    MasterKey &operator=(MasterKey &&) noexcept = default;
    ~MasterKey();

    [[nodiscard]] bool isUsable() const { return !secret.isEmpty(); }
    // Activated, not expired, not revoked: what the server would still encrypt with.
    [[nodiscard]] bool canProtectAt(const QDateTime &nowUtc) const;
};

// The key ring as the server keeps it: <key> and <revocation> elements, from the CRM
// database's DataProtectionKeys table or from a key directory. Read-only; only the embedded
// database's first key is made here (newKeyXml).
class KeyRing
{
public:
    // Fresh keys live as long as the server's default key lifetime.
    static constexpr int kKeyLifetimeDays = 90;

    KeyRing() = default;

    // Each string is one element as stored in DataProtectionKeys.Xml: a <key> or a
    // <revocation> (id="*" revokes every key created before its revocationDate). Elements
    // and attributes match by local name, whatever their namespace prefix. As on the server,
    // a <key> with unreadable id or dates is skipped; malformed XML, a malformed revocation
    // or a duplicate key id fail the whole ring (KeyRingInvalid).
    [[nodiscard]] static Result<KeyRing> fromXmlElements(const QStringList &elements);
    // The server's file-system store: every *.xml file of the directory (key-*.xml and
    // revocation-*.xml), read in name order.
    [[nodiscard]] static Result<KeyRing> fromDirectory(const QString &path);

    // Newest activated (activation <= now), unexpired, unrevoked, usable key; nullptr if none.
    // Ties on the activation date go to the lowest id, as on the server.
    [[nodiscard]] const MasterKey *defaultKey(const QDateTime &nowUtc) const;
    [[nodiscard]] const MasterKey *find(const QUuid &id) const;
    const QList<MasterKey> &keys() const { return m_keys; }

    // A fresh <key> element in the server's shape, with a 64-byte master key from RAND_bytes,
    // activation = creation = now and expiration = now + 90 days.
    [[nodiscard]] static Result<QString> newKeyXml(const QUuid &id, const QDateTime &nowUtc);

private:
    QList<MasterKey> m_keys;
};

} // namespace EasyCrm::Crypto
