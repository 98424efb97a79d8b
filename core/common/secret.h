#pragma once

#include <QByteArray>

namespace EasyCrm {

// Overwrites the bytes of a secret before its memory is released. Detaches first so the
// wipe reaches the only copy this owner holds.
void wipe(QByteArray &secret);

// Holds a secret and wipes it when it goes out of scope.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes) : m_bytes(std::move(bytes)) {}
    SecretBytes(const SecretBytes &) = default;
    SecretBytes &operator=(const SecretBytes &) = default;
    ~SecretBytes() { wipe(m_bytes); }

    const QByteArray &bytes() const { return m_bytes; }
    bool isEmpty() const { return m_bytes.isEmpty(); }

private:
    QByteArray m_bytes;
};

} // namespace EasyCrm
