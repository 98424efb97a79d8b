#include "core/crypto/keyring.h"

#include "core/common/secret.h"
#include "core/crypto/authenticatedencryption.h"
#include "core/crypto/cryptoerrors_p.h"
#include "core/crypto/cryptologging.h"
#include "core/crypto/keyxml_p.h"
#include "core/crypto/openssl_p.h"

#include <QDir>
#include <QFile>

#include <optional>

namespace EasyCrm::Crypto {

using Detail::XmlNode;

namespace {

constexpr QStringView kDeserializerType =
    u"Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel."
    u"AuthenticatedEncryptorDescriptorDeserializer";
constexpr QStringView kDeserializerAssembly =
    u"Microsoft.AspNetCore.DataProtection, Version=8.0.0.0, Culture=neutral, "
    u"PublicKeyToken=adb9793829ddae60";
constexpr QStringView kDataProtectionNamespace = u"http://schemas.asp.net/2015/03/dataProtection";

// Revocations gathered over the whole ring, applied once every key is known.
struct Revocations
{
    QList<QUuid> keyIds;
    QDateTime allCreatedBefore;
};

QDateTime childDate(const XmlNode &node, QStringView name)
{
    const XmlNode *child = node.child(name);
    return child ? Detail::parseXmlDateTime(child->text) : QDateTime();
}

// The deserializer's type name without its assembly: other server versions name other ones.
bool isManagedDescriptor(const XmlNode &outer)
{
    const QString type = outer.attribute(u"deserializerType");
    return QStringView(type).left(type.indexOf(u',')).trimmed() == kDeserializerType;
}

// Empty unless the descriptor is AES-256-CBC + HMACSHA256 with a master key in clear text
// (the server's default on Linux; a key protected at rest needs the server's certificate).
QByteArray readSecret(const XmlNode &key, const QUuid &id)
{
    const XmlNode *outer = key.child(u"descriptor");
    const XmlNode *inner = outer ? outer->child(u"descriptor") : nullptr;
    const XmlNode *encryption = inner ? inner->child(u"encryption") : nullptr;
    const XmlNode *validation = inner ? inner->child(u"validation") : nullptr;
    const XmlNode *masterKey = inner ? inner->child(u"masterKey") : nullptr;
    if (!outer || !isManagedDescriptor(*outer) || !encryption || !validation ||
        encryption->attribute(u"algorithm") != u"AES_256_CBC" ||
        validation->attribute(u"algorithm") != u"HMACSHA256") {
        qCWarning(lcCrypto) << "Key uses an algorithm this client does not implement" << id;
        return {};
    }
    const XmlNode *value = masterKey ? masterKey->child(u"value") : nullptr;
    if (!value) {
        qCWarning(lcCrypto) << "Key's master key is encrypted at rest" << id;
        return {};
    }
    QByteArray base64 = value->text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    wipe(base64);
    if (!decoded || decoded.decoded.isEmpty()) {
        qCWarning(lcCrypto) << "Key's master key is not base64" << id;
        wipe(decoded.decoded);
        return {};
    }
    return std::move(decoded.decoded);
}

std::optional<MasterKey> readKey(const XmlNode &node)
{
    MasterKey key;
    key.id = QUuid::fromString(node.attribute(u"id"));
    key.creationDate = childDate(node, u"creationDate");
    key.activationDate = childDate(node, u"activationDate");
    key.expirationDate = childDate(node, u"expirationDate");
    const bool datesValid =
        key.creationDate.isValid() && key.activationDate.isValid() && key.expirationDate.isValid();
    if (key.id.isNull() || !datesValid) {
        // The server logs and skips such a key too; the rest of the ring stays usable.
        qCWarning(lcCrypto) << "Skipping a key element without valid id or dates" << key.id;
        return std::nullopt;
    }
    key.secret = readSecret(node, key.id);
    return key;
}

Result<void> readRevocation(const XmlNode &node, Revocations &revocations)
{
    const XmlNode *keyNode = node.child(u"key");
    const QString id = keyNode ? keyNode->attribute(u"id") : QString();
    if (id == u"*") {
        const QDateTime date = childDate(node, u"revocationDate");
        if (!date.isValid())
            return Detail::keyRingInvalid(QStringLiteral("revocation without a valid date"));
        if (!revocations.allCreatedBefore.isValid() || date > revocations.allCreatedBefore)
            revocations.allCreatedBefore = date;
        return {};
    }
    // A revocation the client cannot read might be the one that matters: refuse the ring.
    const QUuid keyId = QUuid::fromString(id);
    if (keyId.isNull())
        return Detail::keyRingInvalid(QStringLiteral("revocation without a valid key id"));
    revocations.keyIds.append(keyId);
    return {};
}

void applyRevocations(QList<MasterKey> &keys, const Revocations &revocations)
{
    for (MasterKey &key : keys) {
        // Strictly before: a key created in the same instant as a revocation stays valid.
        const bool massRevoked = revocations.allCreatedBefore.isValid() &&
                                 key.creationDate < revocations.allCreatedBefore;
        if (massRevoked || revocations.keyIds.contains(key.id))
            key.revoked = true;
    }
}

Result<QString> readXmlFile(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        return Detail::keyRingInvalid(
            QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString()));
    }
    QByteArray bytes = file.readAll();
    QString text = QString::fromUtf8(bytes);
    wipe(bytes);
    // The server's XmlWriter may start the file with a byte-order mark.
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    return text;
}

} // namespace

MasterKey &MasterKey::operator=(const MasterKey &other)
{
    // Through a copy, so the secret held so far leaves through the wiping destructor.
    MasterKey copy(other);
    return *this = std::move(copy);
}

MasterKey::~MasterKey()
{
    wipe(secret);
}

bool MasterKey::canProtectAt(const QDateTime &nowUtc) const
{
    // The server counts a key as expired from its expiration instant on.
    return isUsable() && !revoked && activationDate <= nowUtc && nowUtc < expirationDate;
}

Result<KeyRing> KeyRing::fromXmlElements(const QStringList &elements)
{
    KeyRing ring;
    Revocations revocations;
    for (const QString &xml : elements) {
        auto node = Detail::parseXmlElement(xml);
        if (!node)
            return node.error();
        if (node.value().name == u"key") {
            std::optional<MasterKey> key = readKey(node.value());
            Detail::wipeTexts(node.value());
            if (key && ring.find(key->id))
                return Detail::keyRingInvalid(u"duplicate key " + key->id.toString());
            if (key)
                ring.m_keys.append(std::move(*key));
        } else if (node.value().name == u"revocation") {
            if (Result<void> read = readRevocation(node.value(), revocations); !read)
                return read.error();
        } else {
            qCDebug(lcCrypto) << "Skipping an unknown key ring element" << node.value().name;
        }
    }
    applyRevocations(ring.m_keys, revocations);
    qCDebug(lcCrypto, "Key ring read: %lld keys from %lld elements", qlonglong(ring.m_keys.size()),
            qlonglong(elements.size()));
    return ring;
}

Result<KeyRing> KeyRing::fromDirectory(const QString &path)
{
    const QDir dir(path);
    if (!dir.exists())
        return Detail::keyRingInvalid(QStringLiteral("no key directory at %1").arg(path));
    QStringList elements;
    const QStringList names = dir.entryList({QStringLiteral("*.xml")}, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        auto text = readXmlFile(dir.filePath(name));
        if (!text)
            return text.error();
        elements.append(std::move(text).value());
    }
    auto ring = fromXmlElements(elements);
    for (QString &element : elements)
        Detail::wipeString(element);
    return ring;
}

const MasterKey *KeyRing::defaultKey(const QDateTime &nowUtc) const
{
    const MasterKey *best = nullptr;
    for (const MasterKey &key : m_keys) {
        if (!key.canProtectAt(nowUtc))
            continue;
        // Guid order on the server compares the fields as written, like the RFC 4122 bytes.
        const bool newer = !best || key.activationDate > best->activationDate ||
                           (key.activationDate == best->activationDate &&
                            key.id.toRfc4122() < best->id.toRfc4122());
        if (newer)
            best = &key;
    }
    return best;
}

const MasterKey *KeyRing::find(const QUuid &id) const
{
    for (const MasterKey &key : m_keys) {
        if (key.id == id)
            return &key;
    }
    return nullptr;
}

Result<QString> KeyRing::newKeyXml(const QUuid &id, const QDateTime &nowUtc)
{
    if (id.isNull() || !nowUtc.isValid())
        return Detail::keyRingInvalid(QStringLiteral("a new key needs an id and a time"));
    auto random = Detail::randomBytes(kMasterKeySize);
    if (!random)
        return random.error();
    const SecretBytes secret(std::move(random).value());
    QByteArray base64 = secret.bytes().toBase64();
    QString value = QString::fromLatin1(base64);
    wipe(base64);
    const QString now = Detail::formatXmlDateTime(nowUtc);
    QString xml =
        QStringLiteral("<key id=\"%1\" version=\"1\"><creationDate>%2</creationDate>"
                       "<activationDate>%2</activationDate><expirationDate>%3</expirationDate>"
                       "<descriptor deserializerType=\"%4, %5\"><descriptor>"
                       "<encryption algorithm=\"AES_256_CBC\"/>"
                       "<validation algorithm=\"HMACSHA256\"/>"
                       "<masterKey p4:requiresEncryption=\"true\" xmlns:p4=\"%6\">"
                       "<value>%7</value></masterKey></descriptor></descriptor></key>")
            .arg(id.toString(QUuid::WithoutBraces), now,
                 Detail::formatXmlDateTime(nowUtc.addDays(kKeyLifetimeDays)), kDeserializerType,
                 kDeserializerAssembly, kDataProtectionNamespace, value);
    Detail::wipeString(value);
    qCInfo(lcCrypto) << "New key created" << id;
    return xml;
}

} // namespace EasyCrm::Crypto
