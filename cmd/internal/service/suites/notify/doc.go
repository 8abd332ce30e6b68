// Package notify holds the mail notifier's component tests: customer, agent and
// supervisor mails through a real SMTP server on every event store (TestMails*,
// TestCustomerAndAgentMailsThroughARealSMTPServer, TestSupervisorAccountsGetBreachMails*),
// the templates flag and the self-service address confirmation. Only its tests have code.
package notify
