#include "ui/brandaccountrow.h"

#include "ui/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

using Models::BrandAccountsModel;

namespace {

constexpr int kBadgeSize = 40;
constexpr int kDotSize = 8;

QLabel *plainLabel(const QString &name, const QString &role, QWidget *parent)
{
    auto *label = new QLabel(parent);
    // Names, handles and reasons come from other people and servers: never rich text.
    label->setTextFormat(Qt::PlainText);
    label->setObjectName(name);
    label->setProperty("role", role);
    return label;
}

} // namespace

BrandAccountRow::BrandAccountRow(const QUuid &brandAccountId, const QUuid &connectionId,
                                 QWidget *parent)
    : QFrame(parent)
    , m_brandAccountId(brandAccountId)
    , m_connectionId(connectionId)
    , m_badge(plainLabel(QStringLiteral("badge"), QStringLiteral("badge"), this))
    , m_name(plainLabel(QStringLiteral("nameLabel"), QStringLiteral("providerName"), this))
    , m_provider(plainLabel(QStringLiteral("providerLabel"), QStringLiteral("providerTag"), this))
    , m_stateDot(plainLabel(QStringLiteral("stateDot"), QStringLiteral("stateDot"), this))
    , m_state(plainLabel(QStringLiteral("stateLabel"), QStringLiteral("stateText"), this))
    , m_reason(plainLabel(QStringLiteral("reasonLabel"), QStringLiteral("reason"), this))
    , m_buttonHolder(new QWidget(this))
{
    setObjectName(QStringLiteral("brandRow_") + brandAccountId.toString(QUuid::WithoutBraces));
    setProperty("card", true);
    m_reason->setWordWrap(true);
    m_buttonHolder->setObjectName(QStringLiteral("actionHolder"));
    m_details = addButton(QStringLiteral("detailsButton"), tr("Details"), QStringLiteral("link"),
                          Action::Details);
    //: Button: repeat the authorization for an existing brand connection.
    m_reconnect = addButton(QStringLiteral("reconnectButton"), tr("Reconnect"),
                            QStringLiteral("reconnect"), Action::Reconnect);
    //: Button: revoke and remove the brand account's tokens.
    m_disconnect = addButton(QStringLiteral("disconnectButton"), tr("Disconnect"),
                             QStringLiteral("disconnect"), Action::Disconnect);
    //: Button: delete a disconnected brand account from the tenant.
    m_remove = addButton(QStringLiteral("removeButton"), tr("Remove"), QStringLiteral("remove"),
                         Action::Remove);
    m_details->setFlat(true);
    setUpLook();
    buildLayout();
    applyButtons();
}

QPushButton *BrandAccountRow::addButton(const QString &name, const QString &text,
                                        const QString &look, Action action)
{
    auto *button = new QPushButton(text, m_buttonHolder);
    button->setObjectName(name);
    button->setCursor(Qt::PointingHandCursor);
    button->setProperty("action", look);
    connect(button, &QPushButton::clicked, this, [this, action] { emit actionTriggered(action); });
    return button;
}

void BrandAccountRow::setUpLook()
{
    m_badge->setFixedSize(kBadgeSize, kBadgeSize);
    m_badge->setAlignment(Qt::AlignCenter);
    m_stateDot->setFixedSize(kDotSize, kDotSize);
    QFont nameFont = m_name->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.1);
    nameFont.setWeight(QFont::DemiBold);
    m_name->setFont(nameFont);
    QFont badgeFont = nameFont;
    badgeFont.setPointSizeF(nameFont.pointSizeF() * 1.2);
    m_badge->setFont(badgeFont);
    QFont tagFont = m_provider->font();
    tagFont.setPointSizeF(tagFont.pointSizeF() * 0.9);
    m_provider->setFont(tagFont);
}

void BrandAccountRow::buildLayout()
{
    auto *nameLine = new QHBoxLayout;
    nameLine->setSpacing(8);
    nameLine->addWidget(m_name);
    nameLine->addWidget(m_provider, 0, Qt::AlignVCenter);
    nameLine->addStretch(1);
    auto *stateLine = new QHBoxLayout;
    stateLine->setSpacing(7);
    stateLine->addWidget(m_stateDot, 0, Qt::AlignVCenter);
    stateLine->addWidget(m_state, 1);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(3);
    texts->addLayout(nameLine);
    texts->addLayout(stateLine);
    texts->addWidget(m_reason);

    auto *buttons = new QHBoxLayout(m_buttonHolder);
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->setSpacing(8);
    for (QPushButton *button : {m_details, m_reconnect, m_disconnect, m_remove})
        buttons->addWidget(button);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(14);
    layout->addWidget(m_badge, 0, Qt::AlignVCenter);
    layout->addLayout(texts, 1);
    layout->addWidget(m_buttonHolder, 0, Qt::AlignVCenter);
}

QString BrandAccountRow::accountName() const
{
    return m_name->text();
}

void BrandAccountRow::showData(const QModelIndex &index)
{
    const QString name = index.data(BrandAccountsModel::NameRole).toString();
    const QString providerName = index.data(BrandAccountsModel::ProviderNameRole).toString();
    m_providerKey = index.data(BrandAccountsModel::ProviderKeyRole).toString();
    m_name->setText(name);
    //: Shown instead of a provider for a brand account that holds no connection.
    m_provider->setText(providerName.isEmpty() ? tr("No provider") : providerName);
    // The badge of the provider, as on Social Integration: the accounts of one brand tend to
    // share their first letter, their providers less so.
    m_badge->setText((providerName.isEmpty() ? name : providerName).left(1).toUpper());
    const QColor colour =
        m_providerKey.isEmpty() ? QColor(0x98, 0xa2, 0xb3) : Theme::badgeColour(m_providerKey);
    m_badge->setStyleSheet(QStringLiteral("background: %1; color: #ffffff; border-radius: %2px;"
                                          " font-weight: 700;")
                               .arg(colour.name())
                               .arg(kBadgeSize / 2));

    const auto state = index.data(BrandAccountsModel::StateRole).value<ConnectionState>();
    Theme::setStyleProperty(m_state, "state", Theme::stateName(state));
    Theme::setStyleProperty(m_stateDot, "state", Theme::stateName(state));
    m_state->setText(index.data(BrandAccountsModel::StateTextRole).toString());
    const QString reason = index.data(BrandAccountsModel::ReasonTextRole).toString();
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());

    m_actions = index.data(BrandAccountsModel::ActionsRole).value<Actions>();
    //: Accessible names of a brand account's buttons; %1 is the brand account's name.
    m_details->setAccessibleName(tr("%1 connection details").arg(name));
    m_reconnect->setAccessibleName(tr("Reconnect %1").arg(name));
    m_disconnect->setAccessibleName(tr("Disconnect %1").arg(name));
    m_remove->setAccessibleName(tr("Remove %1").arg(name));
    applyButtons();
}

void BrandAccountRow::setCanManage(bool canManage)
{
    m_canManage = canManage;
    applyButtons();
}

void BrandAccountRow::setFlowRunning(bool running)
{
    m_flowRunning = running;
    applyButtons();
}

void BrandAccountRow::applyButtons()
{
    m_details->setVisible(m_actions.testFlag(Action::Details));
    m_reconnect->setVisible(m_actions.testFlag(Action::Reconnect));
    m_disconnect->setVisible(m_actions.testFlag(Action::Disconnect));
    m_remove->setVisible(m_canManage && m_actions.testFlag(Action::Remove));
    // Details only reads; everything else waits for the running attempt.
    for (QPushButton *button : {m_reconnect, m_disconnect, m_remove})
        button->setEnabled(!m_flowRunning);
    const QString tip =
        m_flowRunning ? tr("Finish or cancel the connection in progress first.") : QString();
    // The holder carries the tip because a disabled button ignores the hover that would show
    // its own.
    m_buttonHolder->setToolTip(tip);
    for (QPushButton *button : {m_reconnect, m_disconnect, m_remove})
        button->setToolTip(tip);
}

} // namespace EasyCrm::Ui
