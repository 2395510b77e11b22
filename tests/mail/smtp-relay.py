#!/usr/bin/python3
# smtp-relay.py: a local SMTP relay for tests/test-mailer.c, on aiosmtpd.
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Listens on 127.0.0.1 on a free port and prints "port N" once it takes connections. Each
# accepted message is written to DIR/received/NNNN.eml exactly as received (dot-stuffing
# undone), its envelope to NNNN.env ("MAIL FROM" then one line a recipient), written first
# under another name and then renamed, so a reader never sees half a message. DIR/events
# gets a line a connection, STARTTLS, AUTH and QUIT. While DIR/rcpt-reply or
# DIR/data-reply holds a reply ("451 4.7.1 Try again later"), RCPT or the end of DATA gets
# it. The relay exits when its standard input closes, so it never outlives its test.

import argparse
import asyncio
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Relay:
    def __init__(self, folder):
        self.folder = folder
        self.received = os.path.join(folder, 'received')
        self.count = 0
        os.makedirs(self.received, exist_ok=True)

    def event(self, text):
        with open(os.path.join(self.folder, 'events'), 'a') as events:
            events.write(text + '\n')

    def reply(self, name):
        try:
            with open(os.path.join(self.folder, name)) as f:
                return f.read().strip() or None
        except FileNotFoundError:
            return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.reply('rcpt-reply')
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return '250 2.1.5 Ok'

    async def handle_DATA(self, server, session, envelope):
        reply = self.reply('data-reply')
        if reply is not None:
            return reply
        name = os.path.join(self.received, '%04d' % self.count)
        self.count += 1
        with open(name + '.env.part', 'w', encoding='utf-8') as f:
            f.write('\n'.join([envelope.mail_from] + envelope.rcpt_tos) + '\n')
        os.rename(name + '.env.part', name + '.env')
        with open(name + '.part', 'wb') as f:
            f.write(envelope.original_content)
        os.rename(name + '.part', name + '.eml')
        return '250 2.0.0 Ok: queued'

    async def handle_QUIT(self, server, session, envelope):
        self.event('quit')
        return '221 2.0.0 Bye'


class RelaySMTP(SMTP):
    def connection_made(self, transport):
        if self._original_transport is None:
            self.event_sink.event('connect')
        else:
            self.event_sink.event('starttls')
        super().connection_made(transport)


def main():
    # aiosmtpd warns of its own deprecated attribute, which it reads itself, and of AUTH
    # without STARTTLS, which the tests ask for on purpose
    warnings.filterwarnings('ignore', 'Session.login_data')
    warnings.filterwarnings('ignore', 'Requiring AUTH while not requiring TLS')
    logging.getLogger('mail.log').setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument('folder')
    parser.add_argument('--cert', help='PEM certificate chain, for STARTTLS or --implicit-tls')
    parser.add_argument('--key')
    parser.add_argument('--starttls', action='store_true', help='offer STARTTLS and require it')
    parser.add_argument('--implicit-tls', action='store_true', help='TLS from the first byte')
    parser.add_argument('--auth', metavar='USER:PASSWORD', help='offer AUTH and require it')
    args = parser.parse_args()

    relay = Relay(args.folder)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login + b':' + auth_data.password == args.auth.encode())
        relay.event('auth ' + ('ok' if ok else 'refused'))
        return AuthResult(success=ok, handled=False)

    def make_protocol():
        options = dict(enable_SMTPUTF8=True, hostname='relay.test', ident='test relay')
        if args.starttls:
            options.update(tls_context=context, require_starttls=True)
        if args.auth:
            # Without --starttls, AUTH is offered from the start: in clear, or inside
            # --implicit-tls (which aiosmtpd would not count as TLS)
            options.update(authenticator=authenticate, auth_required=True,
                           auth_require_tls=args.starttls)
        protocol = RelaySMTP(relay, **options)
        protocol.event_sink = relay
        return protocol

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(make_protocol, '127.0.0.1', 0,
                           ssl=context if args.implicit_tls else None))
    print('port', server.sockets[0].getsockname()[1], flush=True)

    stdin_closed = loop.create_future()

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096):
            loop.remove_reader(sys.stdin.fileno())
            stdin_closed.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.run_until_complete(stdin_closed)
    server.close()


if __name__ == '__main__':
    main()
