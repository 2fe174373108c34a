"""The built-in architecture catalogue: :data:`BUILTINS`, which the registry registers on
its first lookup.

One module per architecture, each a screenful with its search space next to it.
"""

from autoseq.networks.architectures.bilstm import BiLSTM
from autoseq.networks.architectures.cnn_lstm import CNNLSTM
from autoseq.networks.architectures.fcn import FCN
from autoseq.networks.architectures.gru import GRU
from autoseq.networks.architectures.lstm import LSTM
from autoseq.networks.architectures.lstm_attention import LSTMAttention
from autoseq.networks.architectures.resnet import ResNet
from autoseq.networks.architectures.rocket import Rocket
from autoseq.networks.architectures.simple_rnn import SimpleRNN
from autoseq.networks.architectures.stacked_lstm import StackedLSTM
from autoseq.networks.architectures.tcn import TCN
from autoseq.networks.architectures.transformer import Transformer

# in this order they are registered (and listed, where priorities tie)
BUILTINS = (BiLSTM, CNNLSTM, FCN, GRU, LSTM, LSTMAttention, ResNet, Rocket, SimpleRNN,
            StackedLSTM, TCN, Transformer)

__all__ = ["BUILTINS", "FCN", "BiLSTM", "CNNLSTM", "GRU", "LSTM", "LSTMAttention", "ResNet",
           "Rocket", "SimpleRNN", "StackedLSTM", "TCN", "Transformer"]
