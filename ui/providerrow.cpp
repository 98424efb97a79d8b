#include "ui/providerrow.h"

#include "ui/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

using Models::ProviderListModel;

namespace {

constexpr int kBadgeSize = 40;
constexpr int kDotSize = 8;

QString actionName(ProviderRow::Action action)
{
    switch (action) {
    case ProviderRow::Action::Connect:
        return QStringLiteral("connect");
    case ProviderRow::Action::Disconnect:
        return QStringLiteral("disconnect");
    case ProviderRow::Action::Reconnect:
        return QStringLiteral("reconnect");
    }
    return {};
}

QLabel *plainLabel(const QString &role, QWidget *parent)
{
    auto *label = new QLabel(parent);
    // Names, handles and reasons come from configuration and servers: never rich text.
    label->setTextFormat(Qt::PlainText);
    label->setProperty("role", role);
    return label;
}

} // namespace

ProviderRow::ProviderRow(const QString &providerKey, QWidget *parent)
    : QFrame(parent)
    , m_providerKey(providerKey)
    , m_badge(plainLabel(QStringLiteral("badge"), this))
    , m_name(plainLabel(QStringLiteral("providerName"), this))
    , m_stateDot(plainLabel(QStringLiteral("stateDot"), this))
    , m_state(plainLabel(QStringLiteral("stateText"), this))
    , m_reason(plainLabel(QStringLiteral("reason"), this))
    , m_buttonHolder(new QWidget(this))
    , m_button(new QPushButton(m_buttonHolder))
    , m_details(new QPushButton(tr("Details"), this))
    //: Button on a connection that still works but expires soon: sign in again now.
    , m_renew(new QPushButton(tr("Reconnect"), this))
{
    setObjectName(QStringLiteral("providerRow_") + providerKey);
    setProperty("card", true);
    m_name->setObjectName(QStringLiteral("nameLabel_") + providerKey);
    m_state->setObjectName(QStringLiteral("stateLabel_") + providerKey);
    m_reason->setObjectName(QStringLiteral("reasonLabel_") + providerKey);
    m_reason->setWordWrap(true);
    // A long handle or an expiry warning wraps rather than pushing the buttons off the row.
    m_state->setWordWrap(true);
    m_buttonHolder->setObjectName(QStringLiteral("actionHolder_") + providerKey);
    m_button->setObjectName(QStringLiteral("connectButton_") + providerKey);
    m_button->setCursor(Qt::PointingHandCursor);
    m_details->setObjectName(QStringLiteral("detailsButton_") + providerKey);
    m_details->setFlat(true);
    m_details->setCursor(Qt::PointingHandCursor);
    m_details->setProperty("action", QStringLiteral("link"));
    m_details->hide();
    m_renew->setObjectName(QStringLiteral("renewButton_") + providerKey);
    m_renew->setFlat(true);
    m_renew->setCursor(Qt::PointingHandCursor);
    m_renew->setProperty("action", QStringLiteral("link"));
    m_renew->hide();

    setUpLook();
    buildLayout();

    connect(m_button, &QPushButton::clicked, this,
            [this] { emit actionTriggered(m_providerKey, m_action); });
    connect(m_details, &QPushButton::clicked, this,
            [this] { emit detailsRequested(m_providerKey); });
    connect(m_renew, &QPushButton::clicked, this,
            [this] { emit actionTriggered(m_providerKey, Action::Reconnect); });
}

void ProviderRow::setUpLook()
{
    m_badge->setFixedSize(kBadgeSize, kBadgeSize);
    m_badge->setAlignment(Qt::AlignCenter);
    m_badge->setStyleSheet(QStringLiteral("background: %1; color: #ffffff; border-radius: %2px;"
                                          " font-weight: 700;")
                               .arg(Theme::badgeColour(m_providerKey).name())
                               .arg(kBadgeSize / 2));
    m_stateDot->setFixedSize(kDotSize, kDotSize);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.1);
    nameFont.setWeight(QFont::DemiBold);
    m_name->setFont(nameFont);
    QFont badgeFont = nameFont;
    badgeFont.setPointSizeF(nameFont.pointSizeF() * 1.2);
    m_badge->setFont(badgeFont);
}

void ProviderRow::buildLayout()
{
    auto *stateLine = new QHBoxLayout;
    stateLine->setSpacing(7);
    stateLine->addWidget(m_stateDot, 0, Qt::AlignVCenter);
    stateLine->addWidget(m_state, 1);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(3);
    texts->addWidget(m_name);
    texts->addLayout(stateLine);
    texts->addWidget(m_reason);
    auto *holderLayout = new QHBoxLayout(m_buttonHolder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->addWidget(m_button);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(14);
    layout->addWidget(m_badge, 0, Qt::AlignVCenter);
    layout->addLayout(texts, 1);
    layout->addWidget(m_details, 0, Qt::AlignVCenter);
    layout->addWidget(m_renew, 0, Qt::AlignVCenter);
    layout->addWidget(m_buttonHolder, 0, Qt::AlignVCenter);
}

QString ProviderRow::providerName() const
{
    return m_name->text();
}

void ProviderRow::showData(const QModelIndex &index)
{
    const QString name = index.data(ProviderListModel::ProviderNameRole).toString();
    m_name->setText(name);
    m_badge->setText(name.left(1).toUpper());
    // Reconnecting early starts a connect attempt, which needs the client registration.
    m_renewAllowed = index.data(ProviderListModel::ConfiguredRole).toBool();
    showState(index);
    showAction(index, name);
    // Only a connection has details; a provider never connected has nothing to show.
    const auto state = index.data(ProviderListModel::StateRole).value<ConnectionState>();
    m_details->setVisible(state != ConnectionState::NotConnected);
    //: Accessible name of the details button; %1 is the provider, e.g. LinkedIn.
    m_details->setAccessibleName(tr("%1 connection details").arg(name));
    m_renew->setVisible(index.data(ProviderListModel::ExpiringRole).toBool());
    //: Accessible name of the early reconnect button; %1 is the provider, e.g. Mastodon.
    m_renew->setAccessibleName(tr("Reconnect %1 before it expires").arg(name));

    // A degraded connection says why; a provider nobody may use says so without a hover.
    QString note = index.data(ProviderListModel::ReasonTextRole).toString();
    if (note.isEmpty())
        note = m_notAllowedReason;
    m_reason->setText(note);
    m_reason->setVisible(!note.isEmpty());
}

void ProviderRow::showState(const QModelIndex &index)
{
    const auto state = index.data(ProviderListModel::StateRole).value<ConnectionState>();
    // Still connected, but soon not: the warning's colour, not the healthy green.
    const QString look = index.data(ProviderListModel::ExpiringRole).toBool()
                             ? QStringLiteral("expiring")
                             : Theme::stateName(state);
    Theme::setStyleProperty(m_state, "state", look);
    Theme::setStyleProperty(m_stateDot, "state", look);
    m_state->setText(index.data(ProviderListModel::StateTextRole).toString());
}

void ProviderRow::showAction(const QModelIndex &index, const QString &providerName)
{
    m_action = index.data(ProviderListModel::ActionRole).value<Action>();
    const QString actionText = index.data(ProviderListModel::ActionTextRole).toString();
    m_button->setText(actionText);
    //: Accessible name of a provider's button: %1 is the action ("Connect"), %2 the provider.
    m_button->setAccessibleName(tr("%1 %2").arg(actionText, providerName));
    Theme::setStyleProperty(m_button, "action", actionName(m_action));
    m_actionAllowed = index.data(ProviderListModel::ActionEnabledRole).toBool();
    m_notAllowedReason = m_actionAllowed ? QString() : index.data(Qt::ToolTipRole).toString();
    applyButtonState();
}

void ProviderRow::setFlowRunning(bool running)
{
    m_flowRunning = running;
    applyButtonState();
}

void ProviderRow::applyButtonState()
{
    m_button->setEnabled(m_actionAllowed && !m_flowRunning);
    m_renew->setEnabled(m_renewAllowed && !m_flowRunning);
    QString tip = m_notAllowedReason;
    if (tip.isEmpty() && m_flowRunning)
        tip = tr("Finish or cancel the connection in progress first.");
    m_button->setToolTip(tip);
    // The holder carries the same tip because a disabled button ignores the hover that
    // would show its own.
    m_buttonHolder->setToolTip(tip);
}

} // namespace EasyCrm::Ui
